package demo

// wechatMessages are what followers type into a brand's official account:
// service questions, mostly, which is why the account doubles as a CRM.
var wechatMessages = []string{
	"你好，请问618有活动吗", "我的订单什么时候发货", "怎么查会员积分", "附近有门店吗",
	"有没有小样可以申领", "退货怎么操作", "谢谢", "会员生日礼怎么领", "敏感肌可以用吗",
	"精华和面霜哪个先用", "发票怎么开", "优惠券用不了", "在吗", "人工客服",
	"孕妇可以用吗", "快递显示签收了但我没收到", "这个面膜保质期多久", "1",
}

type menuItem struct{ key, name string }

var wechatMenu = []menuItem{
	{"MENU_SHOP", "官方商城"}, {"MENU_MEMBER", "会员中心"}, {"MENU_STORE", "附近门店"},
	{"MENU_SERVICE", "在线客服"}, {"MENU_NEW", "新品上市"}, {"MENU_SIGNIN", "每日签到"},
}

// qrScenes are the places a brand prints parametric QR codes; the scene
// string is how marketers tell a store counter from a metro poster.
var qrScenes = []string{"package_insert", "poster_metro", "event_618", "counter_card", "live_stream", "sample_pack"}

// miniProgramScenes are WeChat's numeric launch scene codes with their
// official meanings.
var miniProgramScenes = []struct {
	code int
	name string
}{
	{1001, "发现栏小程序主入口"}, {1007, "单人聊天会话中的小程序消息卡片"},
	{1008, "群聊会话中的小程序消息卡片"}, {1011, "扫描二维码"}, {1089, "微信聊天主界面下拉"},
	{1035, "公众号自定义菜单"}, {1058, "公众号文章"},
}

// microblogPosts are templates; %s is a product name.
var microblogPosts = []string{
	"#青禾新品# 刚入手了%s，质地很清爽，期待效果～",
	"空瓶记录：%s 用完第三瓶了，回购无限次",
	"求问姐妹们，%s 敏感肌能用吗？",
	"双十一囤的%s终于到了，包装好精致",
	"%s 踩雷了，用了两天脸上起小疙瘩😭",
	"被种草了%s，有没有用过的说说感受",
	"今日份护肤：%s + 面霜，冬天也不干",
}

var microblogComments = []string{
	"求链接", "我也想买", "同款！好用", "真的有用吗？", "已种草", "蹲一个测评",
	"油皮可以用吗", "价格有点贵啊", "支持国货！", "哈哈哈哈", "转发抽奖拜托了",
}

var microblogReposts = []string{"转发微博", "//转发", "抽我抽我", "好物分享", "mark一下"}

var appScreens = []string{"首页", "商品列表", "商品详情", "购物车", "我的", "会员中心", "订单列表", "搜索", "领券中心"}

type webPage struct{ path, title string }

var webPages = []webPage{
	{"/", "青禾官方网站 - 首页"},
	{"/category/skincare", "美妆护肤 - 青禾"},
	{"/category/makeup", "彩妆 - 青禾"},
	{"/category/bodycare", "个人护理 - 青禾"},
	{"/campaign/618", "618年中大促 - 青禾"},
	{"/member", "会员中心 - 青禾"},
	{"/stores", "门店查询 - 青禾"},
	{"/about", "品牌故事 - 青禾"},
	{"/cart", "购物车 - 青禾"},
}

var callCategories = []string{"物流查询", "退换货", "产品咨询", "产品质量投诉", "会员积分", "发票开具", "过敏反馈", "活动规则"}

var callDescriptions = []string{
	"客户来电询问订单物流进度", "客户反映收到商品破损，要求换货", "咨询产品成分及适用肤质",
	"客户使用后出现泛红，要求退款", "会员积分未到账", "要求补开增值税普通发票",
	"咨询满减活动规则", "客户投诉门店服务态度",
}

var callResolutions = []string{"已解答", "已补发", "已退款", "已转门店跟进", "已补积分", "已开票"}

var refundReasons = []string{"不想要了", "过敏", "发错货", "质量问题", "商品破损", "七天无理由退货"}

var paymentMethods = []string{"微信支付", "微信支付", "支付宝", "支付宝", "银联", "现金"}

type shopPlatform struct {
	name   string // what shoppers call it
	key    string // stable machine key, used in order ids and buyer ids
	weight float64
	masks  bool // platform hides the receiver's phone from the brand
}

// shopPlatforms are the brand's own mall plus the marketplaces that hand a
// brand only a platform-scoped buyer id and often a masked phone.
var shopPlatforms = []shopPlatform{
	{"官方商城", "own", 35, false},
	{"天猫", "tmall", 35, true},
	{"京东", "jd", 20, true},
	{"抖音", "douyin", 10, true},
}
