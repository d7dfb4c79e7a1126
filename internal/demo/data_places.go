package demo

// province is a provincial-level division; short is the form microblog
// profiles show ("广东 深圳"). weight is roughly its share of the brand's
// customers (population times urban spending), so the crowd clusters in the
// coastal provinces as a real consumer brand's does.
type province struct {
	name   string
	short  string
	weight float64
	cities []city
}

type city struct {
	name   string
	weight float64
}

var provinces = []province{
	{"广东省", "广东", 12, []city{{"广州市", 30}, {"深圳市", 30}, {"东莞市", 12}, {"佛山市", 12}, {"珠海市", 5}, {"惠州市", 6}, {"中山市", 5}}},
	{"浙江省", "浙江", 8, []city{{"杭州市", 40}, {"宁波市", 20}, {"温州市", 14}, {"绍兴市", 9}, {"金华市", 9}, {"嘉兴市", 8}}},
	{"江苏省", "江苏", 9, []city{{"南京市", 25}, {"苏州市", 30}, {"无锡市", 15}, {"常州市", 10}, {"南通市", 10}, {"徐州市", 10}}},
	{"上海市", "上海", 7, []city{{"上海市", 1}}},
	{"北京市", "北京", 6, []city{{"北京市", 1}}},
	{"山东省", "山东", 6, []city{{"济南市", 30}, {"青岛市", 35}, {"烟台市", 18}, {"潍坊市", 17}}},
	{"四川省", "四川", 5, []city{{"成都市", 80}, {"绵阳市", 20}}},
	{"河南省", "河南", 4.5, []city{{"郑州市", 70}, {"洛阳市", 30}}},
	{"湖北省", "湖北", 4, []city{{"武汉市", 70}, {"宜昌市", 15}, {"襄阳市", 15}}},
	{"福建省", "福建", 4, []city{{"福州市", 35}, {"厦门市", 35}, {"泉州市", 30}}},
	{"湖南省", "湖南", 3.5, []city{{"长沙市", 70}, {"株洲市", 15}, {"岳阳市", 15}}},
	{"河北省", "河北", 3, []city{{"石家庄市", 40}, {"唐山市", 25}, {"保定市", 20}, {"邯郸市", 15}}},
	{"安徽省", "安徽", 3, []city{{"合肥市", 75}, {"芜湖市", 25}}},
	{"重庆市", "重庆", 3, []city{{"重庆市", 1}}},
	{"天津市", "天津", 2.5, []city{{"天津市", 1}}},
	{"陕西省", "陕西", 2.5, []city{{"西安市", 85}, {"宝鸡市", 15}}},
	{"辽宁省", "辽宁", 2.5, []city{{"沈阳市", 50}, {"大连市", 50}}},
	{"江西省", "江西", 2, []city{{"南昌市", 70}, {"赣州市", 30}}},
	{"广西壮族自治区", "广西", 2, []city{{"南宁市", 55}, {"桂林市", 25}, {"柳州市", 20}}},
	{"云南省", "云南", 1.8, []city{{"昆明市", 85}, {"大理市", 15}}},
	{"贵州省", "贵州", 1.3, []city{{"贵阳市", 80}, {"遵义市", 20}}},
	{"山西省", "山西", 1.5, []city{{"太原市", 75}, {"大同市", 25}}},
	{"黑龙江省", "黑龙江", 1.5, []city{{"哈尔滨市", 80}, {"大庆市", 20}}},
	{"吉林省", "吉林", 1.2, []city{{"长春市", 75}, {"吉林市", 25}}},
	{"内蒙古自治区", "内蒙古", 1, []city{{"呼和浩特市", 55}, {"包头市", 45}}},
	{"海南省", "海南", 0.8, []city{{"海口市", 65}, {"三亚市", 35}}},
	{"新疆维吾尔自治区", "新疆", 0.8, []city{{"乌鲁木齐市", 1}}},
	{"甘肃省", "甘肃", 0.7, []city{{"兰州市", 1}}},
	{"宁夏回族自治区", "宁夏", 0.3, []city{{"银川市", 1}}},
	{"青海省", "青海", 0.2, []city{{"西宁市", 1}}},
	{"西藏自治区", "西藏", 0.1, []city{{"拉萨市", 1}}},
}

// malls are chains present in most big Chinese cities; a store named
// "青禾 深圳万象城店" is how a brand's retail estate actually reads.
var malls = []string{"万象城", "万达广场", "大悦城", "银泰城", "吾悦广场", "印象城", "龙湖天街", "来福士"}

// storesPerCity is how many of the malls above host a store in one city.
const storesPerCity = 3

// brandName is the fictional brand the demo population buys from.
const brandName = "青禾"

// brandSite is a reserved ".example" host so demo URLs never point at a real shop.
const brandSite = "https://www.qinghe.example"

// product is one SKU of the fictional brand, priced in yuan.
type product struct {
	id       string
	name     string
	category string
	price    float64
}

// catalog reads like a mid-range Chinese beauty and personal-care brand,
// the category where social CDPs are most common.
var catalog = []product{
	{"QH-SE-001", "青禾 烟酰胺焕亮精华液 30ml", "美妆护肤/面部精华", 269},
	{"QH-SE-002", "青禾 玻尿酸补水精华 50ml", "美妆护肤/面部精华", 199},
	{"QH-SE-003", "青禾 视黄醇抗老精华 30ml", "美妆护肤/面部精华", 359},
	{"QH-CR-001", "青禾 积雪草修护面霜 50g", "美妆护肤/面霜", 239},
	{"QH-CR-002", "青禾 胶原蛋白紧致面霜 50g", "美妆护肤/面霜", 329},
	{"QH-CL-001", "青禾 氨基酸温和洁面乳 120g", "美妆护肤/洁面", 89},
	{"QH-CL-002", "青禾 米萃净透洁面泡沫 150ml", "美妆护肤/洁面", 79},
	{"QH-MK-001", "青禾 绿茶舒缓面膜 5片装", "美妆护肤/面膜", 99},
	{"QH-MK-002", "青禾 玻尿酸补水面膜 10片装", "美妆护肤/面膜", 159},
	{"QH-SP-001", "青禾 清透防晒乳 SPF50+ 40ml", "美妆护肤/防晒", 149},
	{"QH-TN-001", "青禾 桃花保湿爽肤水 200ml", "美妆护肤/爽肤水", 129},
	{"QH-LP-001", "青禾 丝绒雾面口红 #枫叶红", "彩妆/口红", 139},
	{"QH-LP-002", "青禾 水光唇釉 #蜜桃乌龙", "彩妆/口红", 119},
	{"QH-FD-001", "青禾 轻透持妆粉底液 30ml", "彩妆/粉底液", 219},
	{"QH-CS-001", "青禾 气垫BB霜 15g", "彩妆/气垫", 189},
	{"QH-HR-001", "青禾 生姜防脱洗发水 500ml", "个人护理/洗发水", 69},
	{"QH-HR-002", "青禾 茶籽控油洗发水 500ml", "个人护理/洗发水", 59},
	{"QH-BD-001", "青禾 白茶香氛沐浴露 500ml", "个人护理/沐浴露", 59},
	{"QH-BD-002", "青禾 烟酰胺美白身体乳 250ml", "个人护理/身体乳", 89},
	{"QH-HD-001", "青禾 玫瑰护手霜 3支装", "个人护理/护手霜", 49},
	{"QH-FR-001", "青禾 栀子花淡香水 50ml", "香水香氛/香水", 299},
	{"QH-FR-002", "青禾 白茶香薰蜡烛 200g", "香水香氛/香薰蜡烛", 129},
	{"QH-GB-001", "青禾 护肤三件套礼盒", "礼盒套装/护肤礼盒", 499},
	{"QH-GB-002", "青禾 口红香水节日礼盒", "礼盒套装/彩妆礼盒", 399},
}

type deviceModel struct {
	platform     string // "ios" or "android", the Segment context.device.type
	manufacturer string
	model        string
	os           string
	osVersion    string
	weight       float64
}

// deviceModels follows the Chinese smartphone market, where Huawei, Apple,
// Xiaomi, OPPO and vivo split most of the share.
var deviceModels = []deviceModel{
	{"ios", "Apple", "iPhone 15", "iOS", "17.5.1", 8},
	{"ios", "Apple", "iPhone 15 Pro", "iOS", "17.6", 6},
	{"ios", "Apple", "iPhone 14", "iOS", "17.4", 6},
	{"ios", "Apple", "iPhone 13", "iOS", "16.7.8", 6},
	{"ios", "Apple", "iPhone 16 Pro Max", "iOS", "18.1", 4},
	{"ios", "Apple", "iPhone 12", "iOS", "16.6", 3},
	{"android", "HUAWEI", "HUAWEI Mate 60 Pro", "HarmonyOS", "4.2.0", 7},
	{"android", "HUAWEI", "HUAWEI Mate 60", "HarmonyOS", "4.2.0", 4},
	{"android", "HUAWEI", "HUAWEI P60", "HarmonyOS", "4.0.0", 3},
	{"android", "HONOR", "HONOR 90", "Android", "14", 4},
	{"android", "Xiaomi", "Xiaomi 14", "Android", "14", 6},
	{"android", "Xiaomi", "Redmi K70", "Android", "14", 5},
	{"android", "OPPO", "OPPO Reno11", "Android", "14", 5},
	{"android", "OPPO", "OPPO Find X7", "Android", "14", 3},
	{"android", "vivo", "vivo X100", "Android", "14", 5},
	{"android", "vivo", "vivo S18", "Android", "14", 4},
	{"android", "OnePlus", "OnePlus 12", "Android", "14", 2},
}

// userAgents are the browsers Chinese shoppers reach a brand site with,
// including WeChat's in-app browser, which is where much web traffic starts.
var userAgents = []string{
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI Language/zh_CN",
	"Mozilla/5.0 (Linux; Android 14; ALN-AL00 Build/HUAWEIALN-AL00) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/110.0.5481.153 Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/5G Language/zh_CN",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Linux; Android 14; 23127PN0CC) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Mobile Safari/537.36 XiaoMi/MiuiBrowser/18.5.40902",
	"Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0.5359.95 Safari/537.36 QIHU 360SE",
}

// referrers are where Chinese web traffic comes from: search, social and
// super-app links, plus direct visits (empty string).
var referrers = []string{
	"", "", "",
	"https://www.baidu.com/s?wd=%E9%9D%92%E7%A6%BE%E7%B2%BE%E5%8D%8E",
	"https://m.baidu.com/s?word=%E9%9D%92%E7%A6%BE",
	"https://weibo.com/",
	"https://www.xiaohongshu.com/explore",
	"https://www.douyin.com/",
	"https://www.zhihu.com/question/58214377",
	"https://mp.weixin.qq.com/s/kT3v9a7Xq1bLwz2mH0pQ5g",
}
