//! Coded vocabularies of item metadata: subject (主题分类, two levels), genre (体裁分类) and
//! audience (服务对象).
//!
//! Codes are digits: two for a top-level subject, four for a second-level one (its parent's
//! code plus two), two for a genre or an audience. `99` and `xx99` are always 其他 (other).
//!
//! NOTE: the 21 top-level subjects are those of the State Council portal's disclosure
//! catalogue as recalled, not checked against a published copy. The second-level terms and the
//! audience list are this platform's own selection, so a province with its own catalogue must
//! map its codes on import.

mod subjects;

pub use subjects::SUBJECTS;

/// One term of a coded vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    /// Stable code stored with items and used in import files.
    pub code: &'static str,
    /// Chinese name shown on pages.
    pub name_zh: &'static str,
    /// English name shown on English sites.
    pub name_en: &'static str,
    /// Code of the parent term; `None` at the top level.
    pub parent: Option<&'static str>,
}

/// Separator between levels in a subject path, as shown on pages: `综合政务\政务公开`.
pub const PATH_SEPARATOR: char = '\\';

const fn term(code: &'static str, name_zh: &'static str, name_en: &'static str) -> Term {
    Term {
        code,
        name_zh,
        name_en,
        parent: None,
    }
}

/// Genres (体裁分类): the 15 kinds of official documents of the 党政机关公文处理工作条例 (2012),
/// then the rule and plan documents and the kinds of web content that sites publish.
pub static GENRES: &[Term] = &[
    term("01", "公告", "Announcement"),
    term("02", "通告", "Public notice"),
    term("03", "意见", "Opinion"),
    term("04", "通知", "Notice"),
    term("05", "通报", "Circular"),
    term("06", "报告", "Report"),
    term("07", "请示", "Request for instructions"),
    term("08", "批复", "Official reply"),
    term("09", "函", "Letter"),
    term("10", "纪要", "Minutes"),
    term("11", "决定", "Decision"),
    term("12", "命令（令）", "Order"),
    term("13", "议案", "Motion"),
    term("14", "决议", "Resolution"),
    term("15", "公报", "Communiqué"),
    term("16", "规定", "Provisions"),
    term("17", "办法", "Measures"),
    term("18", "细则", "Detailed rules"),
    term("19", "方案", "Plan of action"),
    term("20", "规划", "Development plan"),
    term("21", "计划", "Work plan"),
    term("22", "总结", "Summary of work"),
    term("23", "解读", "Interpretation"),
    term("24", "新闻", "News"),
    term("25", "图片", "Photos"),
    term("26", "视频", "Video"),
    term("27", "统计数据", "Statistics"),
    term("99", "其他", "Other"),
];

/// Audiences (服务对象).
pub static AUDIENCES: &[Term] = &[
    term("01", "公众", "General public"),
    term("02", "企业", "Enterprises"),
    term("03", "社会组织", "Social organizations"),
    term("04", "政府部门", "Government departments"),
    term("05", "个体工商户", "Individual businesses"),
    term("06", "农民", "Farmers"),
    term("07", "学生", "Students"),
    term("08", "老年人", "Older people"),
    term("09", "残疾人", "People with disabilities"),
    term("10", "外籍人士", "Foreign nationals"),
    term(
        "11",
        "港澳台居民",
        "Residents of Hong Kong, Macao and Taiwan",
    ),
    term("99", "其他", "Other"),
];

/// Finds a subject by code (`0101`), by `上级\下级` path (`综合政务\政务公开`), by top-level
/// name, or by a second-level name that belongs to one top-level term only.
pub fn subject(code_or_name: &str) -> Option<&'static Term> {
    let text = code_or_name.trim();
    if let Some(term) = SUBJECTS.iter().find(|term| term.code == text) {
        return Some(term);
    }
    if let Some((parent_name, child_name)) = text.split_once(PATH_SEPARATOR) {
        let parent = top_level_subject(parent_name.trim())?;
        return SUBJECTS
            .iter()
            .find(|term| term.parent == Some(parent.code) && term.name_zh == child_name.trim());
    }
    if let Some(term) = top_level_subject(text) {
        return Some(term);
    }

    let mut matches = SUBJECTS
        .iter()
        .filter(|term| term.parent.is_some() && term.name_zh == text);
    let first = matches.next()?;
    matches.next().is_none().then_some(first)
}

/// Finds a top-level subject by its Chinese name.
fn top_level_subject(name: &str) -> Option<&'static Term> {
    SUBJECTS
        .iter()
        .find(|term| term.parent.is_none() && term.name_zh == name)
}

/// Returns the path of a subject code as shown on pages, such as `综合政务\政务公开` for
/// `0101`. A top-level code gives its name alone, and an unknown code gives `None`.
pub fn subject_path(code: &str) -> Option<String> {
    let term = SUBJECTS.iter().find(|term| term.code == code.trim())?;
    let Some(parent_code) = term.parent else {
        return Some(term.name_zh.to_owned());
    };
    let parent = SUBJECTS.iter().find(|parent| parent.code == parent_code)?;
    Some(format!(
        "{}{PATH_SEPARATOR}{}",
        parent.name_zh, term.name_zh
    ))
}

/// Returns the second-level subjects under a top-level code, in code order.
pub fn subject_children(code: &str) -> Vec<&'static Term> {
    SUBJECTS
        .iter()
        .filter(|term| term.parent == Some(code))
        .collect()
}

/// Finds a genre by code or Chinese name.
pub fn genre(code_or_name: &str) -> Option<&'static Term> {
    find_flat(GENRES, code_or_name)
}

/// Finds an audience by code or Chinese name.
pub fn audience(code_or_name: &str) -> Option<&'static Term> {
    find_flat(AUDIENCES, code_or_name)
}

fn find_flat(terms: &'static [Term], code_or_name: &str) -> Option<&'static Term> {
    let text = code_or_name.trim();
    terms
        .iter()
        .find(|term| term.code == text || term.name_zh == text)
}

#[cfg(test)]
#[path = "vocabulary_tests.rs"]
mod tests;
