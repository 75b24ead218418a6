//! A corpus of government documents in Chinese and English, spread over several sites and
//! years, shared by the integration tests.

use jiyue_search::{SearchDoc, SearchIndex};

/// Provincial portal, 吉林省人民政府.
pub const PORTAL: &str = "2200000001";
/// English portal of the province.
pub const ENGLISH_PORTAL: &str = "2200000002";
/// Provincial public security department.
pub const POLICE: &str = "2200000010";
/// Provincial human resources and social security department.
pub const SOCIAL_SECURITY: &str = "2200000020";
/// Provincial market regulation administration.
pub const MARKET: &str = "2200000030";
/// Provincial ecology and environment department.
pub const ENVIRONMENT: &str = "2200000040";
/// Provincial meteorological bureau.
pub const WEATHER: &str = "2200000050";
/// Provincial finance department.
pub const FINANCE: &str = "2200000060";
/// Provincial education department.
pub const EDUCATION: &str = "2200000070";
/// Changchun city portal.
pub const CHANGCHUN: &str = "2201000001";

/// Returns Unix seconds of noon, China Standard Time, on the given civil date.
pub fn china_noon(year: i64, month: i64, day: i64) -> i64 {
    // Days since 1970-01-01, counted from 0000-03-01 in 400-year eras.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    days * 86_400 + 4 * 3600
}

/// Builds a document placed only on its home site.
pub fn doc(
    id: u64,
    site: &str,
    lang: &str,
    title: &str,
    body: &str,
    date: (i64, i64, i64),
) -> SearchDoc {
    SearchDoc {
        item_id: id,
        site_codes: vec![site.to_string()],
        home_site: site.to_string(),
        site_name: format!("site {site}"),
        lang: lang.to_string(),
        kind: "item".to_string(),
        title: title.to_string(),
        body: body.to_string(),
        url: format!("https://{site}.example/t{id}.html"),
        column_name: "工作动态".to_string(),
        published_at: china_noon(date.0, date.1, date.2),
        names: Vec::new(),
    }
}

/// Returns the corpus; item ids are stable, so tests name expected results by id.
pub fn corpus() -> Vec<SearchDoc> {
    let mut docs = identity_documents();
    docs.extend(business_and_social_security());
    docs.extend(website_integration());
    docs.extend(pollution_census());
    docs.extend(weather_budget_education());
    docs.extend(city_and_portal());
    docs
}

fn identity_documents() -> Vec<SearchDoc> {
    vec![
        doc(1, POLICE, "zh-CN", "居民身份证换领指南",
            "居民身份证有效期满需要换领新证。申请人携带原居民身份证到户籍所在地公安派出所办理换领手续，现场采集指纹和照片。",
            (2023, 3, 10)),
        doc(2, POLICE, "zh-CN", "居民身份证异地办理实现全省通办",
            "自2022年起，我省居民可在全省任一公安户政窗口申请办理居民身份证换领、补领业务，无需返回户籍地。",
            (2022, 6, 1)),
        doc(3, POLICE, "zh-CN", "临时身份证明办理须知",
            "身份证丢失后急需乘坐火车或飞机的，可到就近派出所申请开具临时身份证明，当场出具。",
            (2021, 8, 15)),
        doc(10, POLICE, "zh-CN", "普通护照申请办理指南",
            "中国公民因私出国可向户籍所在地出入境管理机构申请普通护照，办理时限为七个工作日。",
            (2023, 7, 1)),
        doc(11, POLICE, "zh-CN", "护照补发服务须知",
            "护照遗失或者损毁的，申请人应当向出入境管理机构申请补发，并提交遗失或损毁情况说明。",
            (2020, 10, 10)),
        doc(12, ENGLISH_PORTAL, "en", "How to Apply for a Chinese Passport",
            "Chinese citizens apply for ordinary passports at the exit and entry administration where their household is registered. Applications are processed within seven working days.",
            (2023, 7, 2)),
        doc(38, POLICE, "en", "Renewing Your Resident Identity Card",
            "Residents whose identity card has expired must renew it at the local police station. Fingerprints and a photograph are taken on site.",
            (2023, 3, 11)),
    ]
}

fn business_and_social_security() -> Vec<SearchDoc> {
    vec![
        doc(4, MARKET, "zh-CN", "个体工商户营业执照办理流程",
            "申请人通过吉林省政务服务网提交营业执照申请材料，市场监管部门三个工作日内办结。",
            (2023, 5, 20)),
        doc(5, MARKET, "zh-CN", "电子营业执照在全省推广应用",
            "电子营业执照与纸质营业执照具有同等法律效力，企业可通过手机下载并出示电子营业执照。",
            (2022, 11, 11)),
        doc(6, MARKET, "zh-CN", "企业名称登记管理规定解读",
            "企业名称由行政区划、字号、行业和组织形式依次组成。企业申请营业执照前应当完成名称自主申报。",
            (2021, 4, 1)),
        doc(7, SOCIAL_SECURITY, "zh-CN", "第三代社保卡申领指南",
            "参保人员可通过线上线下渠道申领第三代社会保障卡，社保卡具有身份凭证、就医结算和待遇领取等功能。",
            (2024, 2, 1)),
        doc(8, SOCIAL_SECURITY, "zh-CN", "社保卡补换业务即时办结",
            "社保卡遗失或损坏的，可到合作银行网点办理补换卡，现场制卡，即时领取。",
            (2023, 9, 12)),
        doc(9, SOCIAL_SECURITY, "zh-CN", "城乡居民基本养老保险缴费标准调整",
            "城乡居民基本养老保险个人缴费标准设为十二个档次，参保人自主选择档次缴费。",
            (2024, 1, 5)),
        doc(36, SOCIAL_SECURITY, "en", "Social Security Card Services Go Online",
            "Insured residents can now apply for the third-generation social security card online and track the status of their card.",
            (2024, 2, 2)),
        doc(37, MARKET, "en", "Business Licence Registration Made Easier",
            "Applicants can submit business licence registration online, and market regulators approve within three working days. Electronic business licences have the same legal effect as paper licences.",
            (2023, 5, 21)),
    ]
}

fn website_integration() -> Vec<SearchDoc> {
    vec![
        doc(13, PORTAL, "zh-CN", "国务院办公厅关于印发政府网站集约化试点工作方案的通知",
            "国办函〔2018〕71号。为深入推进政府网站集约化建设，选择北京、吉林等10个地区开展试点，建设统一的信息资源库和政府网站集约化平台。",
            (2018, 9, 20)),
        doc(14, PORTAL, "zh-CN", "吉林省政府网站集约化试点工作实施方案",
            "按照国务院办公厅部署，我省建设全省统一的政府网站集约化平台，整合各级政府网站的内容和服务。",
            (2018, 12, 1)),
        doc(15, PORTAL, "zh-CN", "全省集约化平台建设通过验收",
            "全省各级政府网站已全部迁移至集约化平台，实现统一检索、统一用户和统一安全防护。",
            (2019, 12, 20)),
        doc(16, ENGLISH_PORTAL, "en", "State Council Work Plan on the Pilot Integration of Government Websites",
            "The General Office of the State Council issued a work plan (国务院办公厅关于印发政府网站集约化试点工作方案的通知) for pilot projects to integrate government websites in ten regions including Jilin.",
            (2018, 9, 21)),
        doc(17, ENGLISH_PORTAL, "en", "Jilin Completes Integrated Government Website Platform",
            "The provincial platform now hosts every government website of the province on one system, with unified search and a single citizen account.",
            (2019, 12, 21)),
        doc(41, ENGLISH_PORTAL, "en", "Integration of Provincial Data Resources",
            "The province integrates data resources from its departments into a shared data platform open to cities and counties.",
            (2022, 10, 10)),
    ]
}

fn pollution_census() -> Vec<SearchDoc> {
    vec![
        doc(18, ENVIRONMENT, "zh-CN", "吉林省第二次全国污染源普查领导小组成立",
            "为做好第二次全国污染源普查工作，省政府决定成立吉林省第二次全国污染源普查领导小组，领导小组办公室设在省生态环境厅。",
            (2017, 12, 15)),
        doc(19, ENVIRONMENT, "zh-CN", "吉林省第二次全国污染源普查公报",
            "普查结果显示，全省工业源、农业源和生活源污染物排放量较十年前明显下降。",
            (2020, 6, 10)),
        doc(20, ENVIRONMENT, "zh-CN", "长白山自然保护区生态环境监测报告",
            "长白山自然保护区空气质量全年优良，水质保持稳定。",
            (2022, 5, 5)),
        doc(21, ENGLISH_PORTAL, "en", "Leading Group for the Second National Census of Pollution Sources Established",
            "The province set up a leading group to organise the second national census of pollution sources; its office sits in the Department of Ecology and Environment.",
            (2017, 12, 16)),
    ]
}

fn weather_budget_education() -> Vec<SearchDoc> {
    vec![
        doc(22, WEATHER, "zh-CN", "吉林省气象台发布暴雪橙色预警",
            "预计未来24小时长春、吉林等地将出现暴雪天气，请公众减少出行，注意防范。",
            (2023, 11, 6)),
        doc(23, WEATHER, "zh-CN", "今冬明春天气趋势预测",
            "预计今冬我省气温偏高，降水偏多，阶段性寒潮天气明显。",
            (2022, 11, 1)),
        doc(24, ENGLISH_PORTAL, "en", "Weather Bureau Issues Blizzard Warning",
            "Heavy snow is expected in Changchun and Jilin City in the next 24 hours; residents should reduce travel.",
            (2023, 11, 6)),
        doc(25, FINANCE, "zh-CN", "关于吉林省2023年预算执行情况和2024年预算草案的报告",
            "全省一般公共预算收入保持平稳增长，重点支出得到有力保障。",
            (2024, 1, 20)),
        doc(26, FINANCE, "zh-CN", "关于2023年省级预算调整方案的报告",
            "受政策性减收影响，需对省级一般公共预算进行调整。",
            (2023, 8, 30)),
        doc(27, ENGLISH_PORTAL, "en", "Provincial Budget Report for 2024",
            "The report on the 2024 provincial budget was submitted to the Provincial People's Congress. Revenue grew steadily.",
            (2024, 1, 21)),
        doc(28, EDUCATION, "zh-CN", "2024年普通高校招生工作规定",
            "普通高校招生实行统一考试、综合评价、择优录取。",
            (2024, 4, 15)),
        doc(29, EDUCATION, "zh-CN", "关于做好义务教育学校招生入学工作的通知",
            "义务教育阶段学校实行免试就近入学，民办学校与公办学校同步招生。",
            (2023, 4, 20)),
        doc(30, ENGLISH_PORTAL, "en", "Compulsory Education Enrollment Notice",
            "Public and private schools enroll pupils at the same time, and children attend the nearest school without an entrance examination.",
            (2023, 4, 21)),
    ]
}

fn city_and_portal() -> Vec<SearchDoc> {
    vec![
        doc(
            31,
            CHANGCHUN,
            "zh-CN",
            "长春市居民身份证办理网点一览",
            "长春市各公安分局户政大厅均可办理居民身份证申领和换领。",
            (2024, 3, 1),
        ),
        doc(
            32,
            CHANGCHUN,
            "zh-CN",
            "长春市社保卡服务网点调整公告",
            "自5月起，长春市社保卡服务网点调整至各区政务服务中心。",
            (2024, 5, 1),
        ),
        doc(
            33,
            CHANGCHUN,
            "zh-CN",
            "长春市2024年政府工作报告",
            "过去一年，全市经济运行稳中向好，民生保障持续加强。",
            (2024, 2, 10),
        ),
        doc(
            34,
            PORTAL,
            "zh-CN",
            "2024年吉林省人民政府工作报告",
            "吉林省过去一年地区生产总值增长6.3%，城乡居民收入稳步提高。",
            (2024, 1, 28),
        ),
        doc(
            35,
            PORTAL,
            "zh-CN",
            "关于做好春节期间值班工作的通知",
            "各地各部门要严格落实领导带班和24小时值班制度。",
            (2024, 2, 5),
        ),
        doc(
            39,
            PORTAL,
            "zh-CN",
            "吉林省2023年政务公开工作要点",
            "推进政务公开标准化规范化，加强政策解读和回应关切。",
            (2023, 3, 30),
        ),
        doc(
            40,
            PORTAL,
            "zh-CN",
            "5G网络建设三年行动方案",
            "加快5G基站建设，到2023年实现县城以上城区5G网络全覆盖。",
            (2021, 7, 1),
        ),
        doc(
            42,
            CHANGCHUN,
            "zh-TW",
            "長春市政府網站改版上線",
            "長春市人民政府門戶網站完成改版，新增無障礙閱讀和適老化服務。",
            (2021, 9, 9),
        ),
    ]
}

/// Builds an in-memory index of the corpus, committed at outbox position 1.
pub fn corpus_index() -> SearchIndex {
    let index = SearchIndex::open_in_ram().unwrap();
    for doc in corpus() {
        index.upsert(&doc).unwrap();
    }
    index.commit(1).unwrap();
    index
}
