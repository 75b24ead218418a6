//! Item metadata (title, index number, issuing organization, dates, document number, coded
//! subject, genre and audience, validity and related documents) and its validation.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

mod index_number;
mod validate;
pub mod vocabulary;

pub use validate::{
    is_document_number, is_language_tag, MAX_KEYWORDS, MAX_KEYWORD_CHARS, MAX_SUMMARY_CHARS,
    MAX_TITLE_CHARS,
};

/// One field that failed validation, with a message that names the value and the fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field name as written in import files, such as `document_number`.
    pub field: &'static str,
    /// The problem with the value and how to correct it.
    pub message: String,
}

/// Legal status of a document (有效性).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    /// 有效
    #[default]
    Valid,
    /// 失效
    Expired,
    /// 废止
    Repealed,
    /// 已修订
    Amended,
}

impl Validity {
    /// Every validity, in the order shown in editors.
    pub const ALL: [Validity; 4] = [Self::Valid, Self::Expired, Self::Repealed, Self::Amended];

    /// Returns the stable code used in storage and import files, such as `repealed`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Expired => "expired",
            Self::Repealed => "repealed",
            Self::Amended => "amended",
        }
    }

    /// Returns the Chinese name shown on pages, such as 废止.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Valid => "有效",
            Self::Expired => "失效",
            Self::Repealed => "废止",
            Self::Amended => "已修订",
        }
    }

    /// Parses a validity from its code or its Chinese name.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL
            .into_iter()
            .find(|validity| validity.code() == text || validity.name_zh() == text)
    }
}

/// An index number (索引号): `<organization code>/<YYYY>-<NNNNN>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IndexNumber(String);

/// Standard metadata of one item, stored on each revision.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ItemMeta {
    /// 标题; required, at most 200 characters.
    pub title: String,
    /// 副标题
    pub subtitle: Option<String>,
    /// BCP 47 language tag, such as `zh-CN` or `en`.
    pub lang: String,
    /// 索引号; assigned at first publication when absent.
    pub index_number: Option<IndexNumber>,
    /// 发布机构: the issuing organization's name as shown on the page.
    pub issuing_org: Option<String>,
    /// 成文日期
    pub written_date: Option<NaiveDate>,
    /// 发文字号, such as 国办函〔2018〕71号.
    pub document_number: Option<String>,
    /// 发布日期
    pub published_at: Option<DateTime<Utc>>,
    /// 来源
    pub source: Option<String>,
    /// 作者
    pub author: Option<String>,
    /// 责任编辑
    pub editor: Option<String>,
    /// 主题分类 code from `vocabulary::SUBJECTS`.
    pub subject: Option<String>,
    /// 体裁分类 code from `vocabulary::GENRES`.
    pub genre: Option<String>,
    /// 服务对象 codes from `vocabulary::AUDIENCES`.
    pub audience: Vec<String>,
    /// 关键词
    pub keywords: Vec<String>,
    /// 摘要
    pub summary: Option<String>,
    /// 有效性
    pub validity: Validity,
    /// External ids of the documents that amend or repeal this one.
    pub superseded_by: Vec<String>,
    /// External ids of the policy documents this item interprets (解读关联).
    pub interprets: Vec<String>,
    /// The service guide, when the item is a public service item (政务服务事项).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<crate::service::ServiceGuide>,
}
