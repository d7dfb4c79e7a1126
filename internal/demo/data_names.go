package demo

// surname is one family name with its pinyin (as people romanise it in
// e-mail addresses) and its share of the population in percent.
type surname struct {
	han    string
	pinyin string
	weight float64
}

// surnames approximates the 2020 census ranking, so a generated crowd has as
// many 王/李/张 collisions as a real customer base, which is what makes
// name-only matching dangerous. Compound surnames are included at their real,
// tiny frequencies because they break naive "first rune is the surname" code.
var surnames = []surname{
	{"王", "wang", 7.12}, {"李", "li", 6.94}, {"张", "zhang", 6.74}, {"刘", "liu", 5.10},
	{"陈", "chen", 4.61}, {"杨", "yang", 3.22}, {"黄", "huang", 2.45}, {"赵", "zhao", 2.29},
	{"吴", "wu", 2.05}, {"周", "zhou", 1.95}, {"徐", "xu", 1.67}, {"孙", "sun", 1.54},
	{"马", "ma", 1.44}, {"朱", "zhu", 1.31}, {"胡", "hu", 1.26}, {"郭", "guo", 1.18},
	{"何", "he", 1.17}, {"林", "lin", 1.12}, {"高", "gao", 1.10}, {"罗", "luo", 0.97},
	{"郑", "zheng", 0.95}, {"梁", "liang", 0.90}, {"谢", "xie", 0.82}, {"宋", "song", 0.74},
	{"唐", "tang", 0.72}, {"许", "xu", 0.66}, {"邓", "deng", 0.63}, {"韩", "han", 0.63},
	{"冯", "feng", 0.62}, {"曹", "cao", 0.60}, {"彭", "peng", 0.57}, {"曾", "zeng", 0.56},
	{"肖", "xiao", 0.55}, {"田", "tian", 0.53}, {"董", "dong", 0.52}, {"潘", "pan", 0.50},
	{"袁", "yuan", 0.50}, {"蔡", "cai", 0.48}, {"蒋", "jiang", 0.47}, {"余", "yu", 0.46},
	{"于", "yu", 0.45}, {"杜", "du", 0.44}, {"叶", "ye", 0.44}, {"程", "cheng", 0.43},
	{"魏", "wei", 0.42}, {"苏", "su", 0.41}, {"吕", "lv", 0.40}, {"丁", "ding", 0.40},
	{"任", "ren", 0.39}, {"卢", "lu", 0.38}, {"姚", "yao", 0.37}, {"沈", "shen", 0.37},
	{"钟", "zhong", 0.36}, {"姜", "jiang", 0.35}, {"崔", "cui", 0.34}, {"谭", "tan", 0.34},
	{"陆", "lu", 0.33}, {"范", "fan", 0.32}, {"汪", "wang", 0.32}, {"廖", "liao", 0.31},
	{"石", "shi", 0.31}, {"金", "jin", 0.30}, {"韦", "wei", 0.29}, {"贾", "jia", 0.29},
	{"夏", "xia", 0.28}, {"付", "fu", 0.28}, {"方", "fang", 0.27}, {"邹", "zou", 0.26},
	{"熊", "xiong", 0.26}, {"白", "bai", 0.26}, {"孟", "meng", 0.25}, {"秦", "qin", 0.25},
	{"邱", "qiu", 0.25}, {"侯", "hou", 0.24}, {"江", "jiang", 0.24}, {"尹", "yin", 0.23},
	{"薛", "xue", 0.23}, {"闫", "yan", 0.22}, {"段", "duan", 0.22}, {"雷", "lei", 0.22},
	{"龙", "long", 0.21}, {"黎", "li", 0.21}, {"史", "shi", 0.21}, {"陶", "tao", 0.20},
	{"贺", "he", 0.20}, {"毛", "mao", 0.19}, {"郝", "hao", 0.19}, {"顾", "gu", 0.19},
	{"龚", "gong", 0.18}, {"邵", "shao", 0.18}, {"万", "wan", 0.18}, {"覃", "qin", 0.17},
	{"武", "wu", 0.17}, {"钱", "qian", 0.17}, {"戴", "dai", 0.17}, {"严", "yan", 0.16},
	{"莫", "mo", 0.16}, {"孔", "kong", 0.16}, {"向", "xiang", 0.16}, {"常", "chang", 0.15},
	{"汤", "tang", 0.15}, {"康", "kang", 0.15}, {"易", "yi", 0.15}, {"乔", "qiao", 0.14},
	{"赖", "lai", 0.14}, {"文", "wen", 0.14},
	{"欧阳", "ouyang", 0.030}, {"司徒", "situ", 0.008}, {"上官", "shangguan", 0.005},
	{"司马", "sima", 0.005}, {"皇甫", "huangfu", 0.004}, {"诸葛", "zhuge", 0.003},
	{"东方", "dongfang", 0.003}, {"令狐", "linghu", 0.002}, {"慕容", "murong", 0.002},
	{"夏侯", "xiahou", 0.002}, {"尉迟", "yuchi", 0.002}, {"端木", "duanmu", 0.002},
}

// givenName is a whole given name; pinyin has one space-separated syllable
// per character so initials ("zh" → "z") can be taken per character.
type givenName struct {
	han    string
	pinyin string
	male   bool
	weight float64
}

// Given names follow fashions, so each birth cohort draws from its own list:
// a 1965-born 秀英 and a 2002-born 梓萱 look right, the reverse does not.
var givenOlder = []givenName{
	{"建国", "jian guo", true, 3}, {"建华", "jian hua", true, 3}, {"国强", "guo qiang", true, 2},
	{"志强", "zhi qiang", true, 3}, {"建军", "jian jun", true, 3}, {"国华", "guo hua", true, 2},
	{"海涛", "hai tao", true, 2}, {"永刚", "yong gang", true, 2}, {"卫东", "wei dong", true, 2},
	{"德明", "de ming", true, 1}, {"伟", "wei", true, 4}, {"军", "jun", true, 4},
	{"勇", "yong", true, 4}, {"刚", "gang", true, 3}, {"强", "qiang", true, 3},
	{"平", "ping", true, 3}, {"明", "ming", true, 3}, {"斌", "bin", true, 2},
	{"辉", "hui", true, 2}, {"建平", "jian ping", true, 2}, {"振华", "zhen hua", true, 1},
	{"长青", "chang qing", true, 1}, {"红军", "hong jun", true, 1}, {"文斌", "wen bin", true, 1},
	{"秀英", "xiu ying", false, 5}, {"桂英", "gui ying", false, 4}, {"秀兰", "xiu lan", false, 4},
	{"玉兰", "yu lan", false, 3}, {"桂兰", "gui lan", false, 3}, {"秀珍", "xiu zhen", false, 3},
	{"凤英", "feng ying", false, 2}, {"玉梅", "yu mei", false, 2}, {"淑珍", "shu zhen", false, 2},
	{"丽华", "li hua", false, 2}, {"红梅", "hong mei", false, 3}, {"秀云", "xiu yun", false, 2},
	{"桂芳", "gui fang", false, 2}, {"美华", "mei hua", false, 1}, {"芳", "fang", false, 4},
	{"霞", "xia", false, 3}, {"红", "hong", false, 3}, {"萍", "ping", false, 3},
	{"玲", "ling", false, 2}, {"艳", "yan", false, 3}, {"丽", "li", false, 3},
	{"英", "ying", false, 2}, {"秀梅", "xiu mei", false, 2}, {"春梅", "chun mei", false, 2},
}

var givenMiddle = []givenName{
	{"伟", "wei", true, 8}, {"磊", "lei", true, 6}, {"强", "qiang", true, 5}, {"军", "jun", true, 4},
	{"洋", "yang", true, 5}, {"勇", "yong", true, 4}, {"杰", "jie", true, 5}, {"涛", "tao", true, 4},
	{"超", "chao", true, 4}, {"明", "ming", true, 3}, {"刚", "gang", true, 2}, {"鹏", "peng", true, 3},
	{"斌", "bin", true, 2}, {"辉", "hui", true, 2}, {"波", "bo", true, 2}, {"飞", "fei", true, 2},
	{"鑫", "xin", true, 2}, {"宇", "yu", true, 3}, {"浩", "hao", true, 3}, {"凯", "kai", true, 2},
	{"健", "jian", true, 2}, {"俊", "jun", true, 2}, {"帅", "shuai", true, 2}, {"亮", "liang", true, 2},
	{"晓东", "xiao dong", true, 2}, {"志伟", "zhi wei", true, 2}, {"海波", "hai bo", true, 2},
	{"文博", "wen bo", true, 1}, {"俊杰", "jun jie", true, 2}, {"建伟", "jian wei", true, 1},
	{"晓明", "xiao ming", true, 2}, {"子健", "zi jian", true, 1}, {"家豪", "jia hao", true, 1},
	{"志明", "zhi ming", true, 1}, {"宏伟", "hong wei", true, 1}, {"鹏飞", "peng fei", true, 1},
	{"芳", "fang", false, 7}, {"娜", "na", false, 6}, {"敏", "min", false, 5}, {"静", "jing", false, 6},
	{"丽", "li", false, 4}, {"艳", "yan", false, 4}, {"娟", "juan", false, 3}, {"婷", "ting", false, 4},
	{"雪", "xue", false, 3}, {"慧", "hui", false, 3}, {"琳", "lin", false, 3}, {"颖", "ying", false, 3},
	{"洁", "jie", false, 3}, {"倩", "qian", false, 3}, {"晶", "jing", false, 2}, {"莉", "li", false, 2},
	{"婷婷", "ting ting", false, 3}, {"丹丹", "dan dan", false, 2}, {"佳佳", "jia jia", false, 2},
	{"晓燕", "xiao yan", false, 2}, {"海燕", "hai yan", false, 2}, {"雪梅", "xue mei", false, 2},
	{"晓丽", "xiao li", false, 2}, {"文静", "wen jing", false, 2}, {"丽娟", "li juan", false, 2},
	{"小红", "xiao hong", false, 1}, {"璐", "lu", false, 2}, {"蕾", "lei", false, 2},
	{"欢", "huan", false, 1}, {"晓琳", "xiao lin", false, 1}, {"思思", "si si", false, 1},
}

var givenYounger = []givenName{
	{"浩然", "hao ran", true, 4}, {"宇轩", "yu xuan", true, 4}, {"子轩", "zi xuan", true, 5},
	{"浩宇", "hao yu", true, 4}, {"俊杰", "jun jie", true, 2}, {"梓豪", "zi hao", true, 3},
	{"博文", "bo wen", true, 2}, {"宇航", "yu hang", true, 2}, {"子豪", "zi hao", true, 2},
	{"一鸣", "yi ming", true, 2}, {"天佑", "tian you", true, 2}, {"皓轩", "hao xuan", true, 2},
	{"梓轩", "zi xuan", true, 3}, {"雨泽", "yu ze", true, 2}, {"明轩", "ming xuan", true, 2},
	{"子墨", "zi mo", true, 2}, {"嘉懿", "jia yi", true, 1}, {"煜城", "yu cheng", true, 1},
	{"俊熙", "jun xi", true, 1}, {"晨阳", "chen yang", true, 1}, {"思远", "si yuan", true, 1},
	{"博", "bo", true, 2}, {"宇", "yu", true, 2}, {"昊", "hao", true, 2}, {"睿", "rui", true, 2},
	{"泽", "ze", true, 1},
	{"子涵", "zi han", false, 5}, {"梓萱", "zi xuan", false, 4}, {"欣怡", "xin yi", false, 5},
	{"诗涵", "shi han", false, 4}, {"梓涵", "zi han", false, 4}, {"雨桐", "yu tong", false, 3},
	{"思雨", "si yu", false, 3}, {"一诺", "yi nuo", false, 3}, {"可馨", "ke xin", false, 2},
	{"紫涵", "zi han", false, 2}, {"雨萱", "yu xuan", false, 2}, {"佳怡", "jia yi", false, 2},
	{"晨曦", "chen xi", false, 2}, {"语嫣", "yu yan", false, 1}, {"梦琪", "meng qi", false, 2},
	{"欣妍", "xin yan", false, 2}, {"诗琪", "shi qi", false, 2}, {"雅琪", "ya qi", false, 1},
	{"若曦", "ruo xi", false, 1}, {"思琪", "si qi", false, 2}, {"悦", "yue", false, 2},
	{"琪", "qi", false, 2}, {"萱", "xuan", false, 1}, {"妍", "yan", false, 2}, {"彤", "tong", false, 2},
}

// homophones groups characters that sound alike. A clerk writing a name
// heard over the counter or the phone picks a character from the same
// group, which is the typo real Chinese CRMs are full of.
var homophones = []string{
	"伟玮炜韦", "静婧晶菁", "丽莉俐", "娜纳", "敏闵", "军君钧", "杰洁捷", "涛韬",
	"明铭鸣", "磊蕾", "婷亭", "欣馨新鑫", "涵晗含", "轩萱宣", "宇雨语羽玉", "浩昊皓",
	"芳方", "华桦", "梅玫", "霞侠", "红宏鸿", "燕艳彦", "平萍苹", "英莹瑛颖",
	"玲琳霖林", "慧惠蕙", "俊骏", "博波柏", "辉晖", "鹏朋", "飞菲", "凯恺",
	"健建剑", "琪祺淇琦", "思斯", "怡宜仪", "嘉佳家", "然冉", "泽则", "晨辰",
	"曦希熙", "洋阳扬", "超朝", "勇永", "刚钢", "斌彬", "兰岚", "珍贞", "云芸",
}

// englishNicks are the English names many urban Chinese adopt at work; they
// turn up as e-mail local parts and social nicknames.
var englishNicks = []string{
	"lucky", "sunny", "amy", "kevin", "tony", "jack", "lily", "coco", "vicky",
	"eric", "leo", "cindy", "grace", "angel", "jason", "emma", "alice", "bella",
}

// socialNicks are the kinds of WeChat and microblog display names people
// pick; they rarely resemble the legal name, which is the point.
var socialNicks = []string{
	"岁月静好", "阳光明媚", "追梦人", "平安是福", "小确幸", "一只喵", "快乐每一天",
	"淡定", "清风徐来", "向日葵", "奶茶不加糖", "Lemon", "Sunshine", "A安安",
	"夏天的风", "知足常乐", "momo", "小猪佩奇", "不将就", "walker",
}

type emailDomain struct {
	domain string
	weight float64
}

// emailDomains mirrors who Chinese consumers actually sign up with: QQ and
// NetEase dominate, foreign providers are a minority.
var emailDomains = []emailDomain{
	{"qq.com", 40}, {"163.com", 25}, {"126.com", 8}, {"outlook.com", 8},
	{"gmail.com", 6}, {"sina.com", 5},
}
