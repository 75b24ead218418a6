//! Word lists for the titles of generated sample items: per column type, title patterns with a
//! `{}` for a topic, and the topics to fill in. Every title is generic on purpose.

use jiyue_core::ColumnType;

/// Title patterns and topics of one column type in one language.
pub(crate) struct TitleWords {
    pub(crate) patterns: &'static [&'static str],
    pub(crate) topics: &'static [&'static str],
}

const ZH_TOPICS: &[&str] = &[
    "优化营商环境",
    "数字政府建设",
    "生态环境保护",
    "乡村振兴",
    "安全生产",
    "民生保障",
    "科技创新",
    "政务公开",
];

const ZH_SERVICE_TOPICS: &[&str] = &[
    "企业开办",
    "不动产登记",
    "社会保障卡申领",
    "居住证办理",
    "排污许可",
    "统计调查项目审批",
];

const EN_TOPICS: &[&str] = &[
    "business environment",
    "digital government",
    "environmental protection",
    "rural revitalization",
    "work safety",
    "public services",
    "science and innovation",
];

const EN_SERVICE_TOPICS: &[&str] = &[
    "business registration",
    "residence permits",
    "social security cards",
    "work permits for foreigners",
];

/// Returns the Chinese title words of a column type.
pub(crate) fn chinese(column_type: ColumnType) -> TitleWords {
    use ColumnType as T;
    let (patterns, topics): (&'static [&'static str], _) = match column_type {
        T::KeyNews | T::WorkNews | T::Home => (
            &[
                "{}工作推进会召开",
                "专题会议研究部署{}重点任务",
                "{}工作取得阶段性进展",
                "召开{}工作座谈会",
            ],
            ZH_TOPICS,
        ),
        T::Notices => (
            &[
                "关于开展{}专项检查的通知",
                "关于{}有关事项的公告",
                "关于{}工作评选结果的公示",
            ],
            ZH_TOPICS,
        ),
        T::PolicyDocuments => (
            &["关于进一步加强{}工作的实施意见", "{}工作管理办法"],
            ZH_TOPICS,
        ),
        T::PolicyInterpretations => (
            &[
                "《关于进一步加强{}工作的实施意见》解读",
                "一图读懂{}工作管理办法",
            ],
            ZH_TOPICS,
        ),
        T::Personnel => (
            &["{}岗位工作人员公开招聘公告", "{}岗位拟任人选公示"],
            ZH_TOPICS,
        ),
        T::Plans => (&["{}年度工作要点", "{}专项规划"], ZH_TOPICS),
        T::Services => (&["{}办事指南", "{}网上办理说明"], ZH_SERVICE_TOPICS),
        T::Functions => (&["主要职责（{}）", "内设机构（{}）"], &["机关", "直属单位"]),
        T::DisclosureGuide => (
            &["政府信息公开指南（{}）", "依申请公开办理流程（{}）"],
            &["机关", "直属单位"],
        ),
        _ => (&["{}工作情况通报"], ZH_TOPICS),
    };
    TitleWords { patterns, topics }
}

/// Returns the English title words of a column type.
pub(crate) fn english(column_type: ColumnType) -> TitleWords {
    use ColumnType as T;
    let (patterns, topics): (&'static [&'static str], _) = match column_type {
        T::KeyNews | T::WorkNews | T::Home => (
            &[
                "Province holds meeting on {}",
                "Progress reported in {} work",
                "New steps announced for {}",
            ],
            EN_TOPICS,
        ),
        T::PolicyDocuments | T::PolicyInterpretations => {
            (&["Guidelines on {}", "Measures to improve {}"], EN_TOPICS)
        }
        T::Services => (&["Guide to {}", "How to apply: {}"], EN_SERVICE_TOPICS),
        T::Overview => (
            &["About Jilin: {}"],
            &["geography", "history", "economy", "culture", "transport"],
        ),
        _ => (&["Update on {}"], EN_TOPICS),
    };
    TitleWords { patterns, topics }
}

impl TitleWords {
    /// Returns the number of distinct titles.
    pub(crate) fn count(&self) -> usize {
        self.patterns.len() * self.topics.len()
    }

    /// Returns title `index`, cycling once every distinct title has been used.
    pub(crate) fn title(&self, index: usize) -> String {
        let index = index % self.count().max(1);
        let pattern = self
            .patterns
            .get(index % self.patterns.len())
            .copied()
            .unwrap_or("{}");
        let topic = self
            .topics
            .get(index / self.patterns.len())
            .copied()
            .unwrap_or_default();
        pattern.replace("{}", topic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_distinct_until_cycle() {
        for column_type in ColumnType::ALL {
            for words in [chinese(column_type), english(column_type)] {
                let titles: std::collections::BTreeSet<String> =
                    (0..words.count()).map(|i| words.title(i)).collect();
                assert_eq!(titles.len(), words.count(), "{column_type}");
                assert!(titles.iter().all(|t| !t.contains("{}")));
            }
        }
    }
}
