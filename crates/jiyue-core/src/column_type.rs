//! The closed enumeration of column types from the national page-design rules, and the
//! freshness rule of each.

use serde::{Deserialize, Serialize};

/// The kind of a column, which decides its freshness rule and its `ColumnType` meta tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    Home,
    Overview,
    Functions,
    Leaders,
    WorkNews,
    KeyNews,
    Notices,
    PolicyDocuments,
    PolicyInterpretations,
    Responses,
    Personnel,
    Plans,
    Services,
    Consultation,
    Solicitation,
    Interviews,
    DisclosureGuide,
    DisclosureCatalogue,
    DisclosureAnnualReport,
    DisclosureOnRequest,
    DataRelease,
    Special,
    Other,
}

/// The maximum age of a column's newest item before the column counts as not updated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// The newest item must be at most this many days old.
    MaxAgeDays(u32),
    /// The column has no update deadline, but it must not be blank.
    NotBlank,
}

impl ColumnType {
    /// Every column type, in the order of the national rules.
    pub const ALL: [ColumnType; 23] = [
        Self::Home,
        Self::Overview,
        Self::Functions,
        Self::Leaders,
        Self::WorkNews,
        Self::KeyNews,
        Self::Notices,
        Self::PolicyDocuments,
        Self::PolicyInterpretations,
        Self::Responses,
        Self::Personnel,
        Self::Plans,
        Self::Services,
        Self::Consultation,
        Self::Solicitation,
        Self::Interviews,
        Self::DisclosureGuide,
        Self::DisclosureCatalogue,
        Self::DisclosureAnnualReport,
        Self::DisclosureOnRequest,
        Self::DataRelease,
        Self::Special,
        Self::Other,
    ];

    /// Returns the stable code stored in the database and used in import files.
    pub fn code(self) -> &'static str {
        match self {
            Self::Home => "home",
            Self::Overview => "overview",
            Self::Functions => "functions",
            Self::Leaders => "leaders",
            Self::WorkNews => "work_news",
            Self::KeyNews => "key_news",
            Self::Notices => "notices",
            Self::PolicyDocuments => "policy_documents",
            Self::PolicyInterpretations => "policy_interpretations",
            Self::Responses => "responses",
            Self::Personnel => "personnel",
            Self::Plans => "plans",
            Self::Services => "services",
            Self::Consultation => "consultation",
            Self::Solicitation => "solicitation",
            Self::Interviews => "interviews",
            Self::DisclosureGuide => "disclosure_guide",
            Self::DisclosureCatalogue => "disclosure_catalogue",
            Self::DisclosureAnnualReport => "disclosure_annual_report",
            Self::DisclosureOnRequest => "disclosure_on_request",
            Self::DataRelease => "data_release",
            Self::Special => "special",
            Self::Other => "other",
        }
    }

    /// Returns the Chinese name of the type, the value of the `ColumnType` meta tag.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Home => "首页",
            Self::Overview => "概况信息",
            Self::Functions => "机构职能",
            Self::Leaders => "负责人信息",
            Self::WorkNews => "工作动态",
            Self::KeyNews => "要闻",
            Self::Notices => "通知公告",
            Self::PolicyDocuments => "政策文件",
            Self::PolicyInterpretations => "政策解读",
            Self::Responses => "回应关切",
            Self::Personnel => "人事信息",
            Self::Plans => "规划计划",
            Self::Services => "办事服务",
            Self::Consultation => "咨询投诉",
            Self::Solicitation => "征集调查",
            Self::Interviews => "在线访谈",
            Self::DisclosureGuide => "信息公开指南",
            Self::DisclosureCatalogue => "信息公开目录",
            Self::DisclosureAnnualReport => "信息公开年报",
            Self::DisclosureOnRequest => "依申请公开",
            Self::DataRelease => "数据发布",
            Self::Special => "专题专栏",
            Self::Other => "其他",
        }
    }

    /// Parses a type from its code or its Chinese name.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL
            .into_iter()
            .find(|kind| kind.code() == text || kind.name_zh() == text)
    }

    /// Returns the freshness rule of the type. News must be at most two weeks old; notices and
    /// policy documents six months; personnel and plans one year; the home page 14 days.
    pub fn freshness(self) -> Freshness {
        match self {
            Self::Home | Self::WorkNews | Self::KeyNews => Freshness::MaxAgeDays(14),
            Self::Notices | Self::PolicyDocuments => Freshness::MaxAgeDays(183),
            Self::Personnel | Self::Plans => Freshness::MaxAgeDays(365),
            _ => Freshness::NotBlank,
        }
    }
}

impl std::fmt::Display for ColumnType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_type_round_trips() {
        for kind in ColumnType::ALL {
            assert_eq!(ColumnType::parse(kind.code()), Some(kind));
            assert_eq!(ColumnType::parse(kind.name_zh()), Some(kind));
            assert_eq!(ColumnType::parse(&format!(" {} ", kind.code())), Some(kind));
            assert_eq!(kind.to_string(), kind.code());
        }
    }

    #[test]
    fn codes_and_names_are_unique() {
        let codes: HashSet<_> = ColumnType::ALL.iter().map(|k| k.code()).collect();
        let names: HashSet<_> = ColumnType::ALL.iter().map(|k| k.name_zh()).collect();
        assert_eq!(codes.len(), ColumnType::ALL.len());
        assert_eq!(names.len(), ColumnType::ALL.len());
    }

    #[test]
    fn serde_uses_code() {
        for kind in ColumnType::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.code()));
            assert_eq!(serde_json::from_str::<ColumnType>(&json).unwrap(), kind);
        }
    }

    #[test]
    fn unknown_text_is_rejected() {
        assert_eq!(ColumnType::parse(""), None);
        assert_eq!(ColumnType::parse("news"), None);
        assert_eq!(ColumnType::parse("Home"), None);
    }

    #[test]
    fn news_must_be_two_weeks_fresh() {
        assert_eq!(ColumnType::WorkNews.freshness(), Freshness::MaxAgeDays(14));
        assert_eq!(ColumnType::KeyNews.freshness(), Freshness::MaxAgeDays(14));
        assert_eq!(ColumnType::Home.freshness(), Freshness::MaxAgeDays(14));
    }

    #[test]
    fn notices_must_be_six_months_fresh() {
        assert_eq!(ColumnType::Notices.freshness(), Freshness::MaxAgeDays(183));
        assert_eq!(
            ColumnType::PolicyDocuments.freshness(),
            Freshness::MaxAgeDays(183)
        );
    }

    #[test]
    fn personnel_must_be_one_year_fresh() {
        assert_eq!(
            ColumnType::Personnel.freshness(),
            Freshness::MaxAgeDays(365)
        );
        assert_eq!(ColumnType::Plans.freshness(), Freshness::MaxAgeDays(365));
    }

    #[test]
    fn other_types_must_not_be_blank() {
        assert_eq!(ColumnType::Other.freshness(), Freshness::NotBlank);
        assert_eq!(ColumnType::Overview.freshness(), Freshness::NotBlank);
        assert_eq!(ColumnType::Special.freshness(), Freshness::NotBlank);
        let dated = ColumnType::ALL
            .iter()
            .filter(|k| matches!(k.freshness(), Freshness::MaxAgeDays(_)))
            .count();
        assert_eq!(dated, 7);
    }
}
