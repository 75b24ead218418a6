//! Public service items (政务服务事项): the key elements of a service guide (办事指南), the
//! closed vocabularies a service is filed under (kind, audience, life event, business stage),
//! format rules, and the completeness check that flags a guide missing a key element.
//!
//! A service item is an ordinary item whose metadata carries a [`ServiceGuide`], so it is
//! versioned, reviewed and published like any other item.

use serde::{Deserialize, Serialize};

use crate::metadata::FieldError;

/// Maximum length of a service code, in characters. National basic codes (基本编码) are 31 characters long; local
/// implementation codes (实施编码) add a suffix.
pub const MAX_CODE_CHARS: usize = 64;

/// Maximum time limit, in working days. Anything longer is a typing mistake.
pub const MAX_TIME_LIMIT_DAYS: u32 = 1000;

/// Maximum length of a free-text element (legal basis, conditions, a step's description), in
/// characters.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// Maximum length of a short element (a material's name, an address, a phone number), in
/// characters.
pub const MAX_SHORT_CHARS: usize = 500;

/// Most materials, steps or places one guide may list.
pub const MAX_LIST_LEN: usize = 100;

/// Declares a closed vocabulary: a fieldless enum with a stable code and a Chinese and English
/// name for every value, parsed from either the code or the Chinese name.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = ($code:literal, $zh:literal, $en:literal),)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "&'static str")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in the order pages list them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// Returns the stable code used in storage, URLs and import files.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// Returns the Chinese name shown on pages.
            pub fn name_zh(self) -> &'static str {
                match self {
                    $($name::$variant => $zh,)+
                }
            }

            /// Returns the English name shown on English-language sites.
            pub fn name_en(self) -> &'static str {
                match self {
                    $($name::$variant => $en,)+
                }
            }

            /// Parses a value from its code or its Chinese name, ignoring surrounding spaces.
            pub fn parse(text: &str) -> Option<$name> {
                let text = text.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.code() == text || value.name_zh() == text)
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(text: String) -> Result<Self, Self::Error> {
                $name::parse(&text).ok_or_else(|| {
                    let codes: Vec<&str> = Self::ALL.iter().map(|value| value.code()).collect();
                    format!("\"{text}\" is not one of {}", codes.join(", "))
                })
            }
        }

        impl From<$name> for &'static str {
            fn from(value: $name) -> &'static str {
                value.code()
            }
        }
    };
}

vocabulary! {
    /// Kind of service (事项类型), from the national catalogue of government services.
    ServiceKind {
        Licensing = ("licensing", "行政许可", "Administrative licensing"),
        Benefit = ("benefit", "行政给付", "Administrative benefit"),
        Confirmation = ("confirmation", "行政确认", "Administrative confirmation"),
        Adjudication = ("adjudication", "行政裁决", "Administrative adjudication"),
        Reward = ("reward", "行政奖励", "Administrative reward"),
        Inspection = ("inspection", "行政检查", "Administrative inspection"),
        OtherPower = ("other_power", "其他行政权力", "Other administrative power"),
        PublicService = ("public_service", "公共服务", "Public service"),
    }
}

vocabulary! {
    /// Audience of a service (服务对象).
    ServiceAudience {
        Individual = ("individual", "个人", "Individuals"),
        Business = ("business", "法人", "Businesses"),
    }
}

vocabulary! {
    /// Life events (个人生命周期) that citizens browse services by.
    LifeEvent {
        Birth = ("birth", "出生", "Birth"),
        Schooling = ("schooling", "上学", "Schooling"),
        Employment = ("employment", "就业", "Employment"),
        Family = ("family", "婚育", "Marriage and children"),
        Housing = ("housing", "住房", "Housing"),
        SocialSecurity = ("social_security", "社保", "Social insurance"),
        Medical = ("medical", "医疗", "Medical care"),
        Retirement = ("retirement", "养老", "Retirement"),
        AfterDeath = ("after_death", "身后", "After death"),
    }
}

vocabulary! {
    /// Business stages (企业生命周期) that businesses browse services by.
    BusinessStage {
        Opening = ("opening", "开办", "Opening"),
        Operating = ("operating", "经营", "Operating"),
        Changing = ("changing", "变更", "Changes"),
        Closing = ("closing", "注销", "Closing"),
    }
}

/// A file attached to a guide: a blank form or a filled-in example.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GuideFile {
    /// Name shown on the link, such as 申请表.docx.
    pub name: String,
    /// Address of the file: a path on the platform (`/files/…`) or an absolute URL.
    pub href: String,
}

/// One material an applicant brings (申请材料).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Material {
    /// 材料名称
    pub name: String,
    /// Number of originals (原件份数).
    pub originals: u32,
    /// Number of copies (复印件份数).
    pub copies: u32,
    /// 空白表格, when the material is a form.
    pub blank_form: Option<GuideFile>,
    /// 示例样表: a filled-in example.
    pub example: Option<GuideFile>,
    /// 出具单位: who issues the material, such as 申请人自备 or a hospital.
    pub issuer: Option<String>,
    /// Anything else an applicant must know about it (填报须知).
    pub note: Option<String>,
}

/// One step of the process (办理流程).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProcessStep {
    /// 环节名称, such as 受理.
    pub name: String,
    /// Description of the step and of who performs it.
    pub description: String,
}

/// Where and when to apply in person (办理地点和时间).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServicePlace {
    /// 办理地点: the hall and its street address.
    pub address: String,
    /// 办理时间, such as 周一至周五 8:30-11:30, 13:00-17:00（法定节假日除外）.
    pub hours: String,
}

/// The fee (收费) and its legal basis.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Fee {
    /// True when the service is free of charge (不收费).
    pub free: bool,
    /// 收费标准, such as 20元/证; empty when free.
    pub standard: String,
    /// 收费依据: the document that sets the fee; empty when free.
    pub basis: String,
}

/// The key elements of a service guide (办事指南).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceGuide {
    /// 事项编码: unique across the platform; letters, digits, `-`, `_` and `.`.
    pub code: String,
    /// 事项类型
    pub kind: Option<ServiceKind>,
    /// 实施主体: the implementing organization's name as shown on the guide.
    pub implementing_org: String,
    /// 设定依据: the laws and regulations the service rests on.
    pub legal_basis: String,
    /// 受理条件
    pub conditions: String,
    /// 申请材料
    pub materials: Vec<Material>,
    /// 收费标准和依据; `None` until someone states it.
    pub fee: Option<Fee>,
    /// 办理流程
    pub steps: Vec<ProcessStep>,
    /// 法定办结时限, in working days.
    pub statutory_days: Option<u32>,
    /// 承诺办结时限, in working days.
    pub promised_days: Option<u32>,
    /// 办理地点和时间
    pub places: Vec<ServicePlace>,
    /// 在线办理: the link to apply online.
    pub online_url: Option<String>,
    /// 咨询电话
    pub consult_phone: Option<String>,
    /// 监督投诉电话
    pub complaint_phone: Option<String>,
    /// 服务对象
    pub audiences: Vec<ServiceAudience>,
    /// Life events the service belongs to.
    pub life_events: Vec<LifeEvent>,
    /// Business stages the service belongs to.
    pub business_stages: Vec<BusinessStage>,
    /// Reason for publishing although key elements are missing. An incomplete guide needs it to
    /// be published.
    pub incomplete_reason: Option<String>,
}

/// One key element of a guide, as the completeness check names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum GuideElement {
    Code,
    Kind,
    ImplementingOrg,
    LegalBasis,
    Conditions,
    Materials,
    Fee,
    Steps,
    StatutoryDays,
    PromisedDays,
    Places,
    OnlineUrl,
    ConsultPhone,
    ComplaintPhone,
    Audiences,
    LifeEvents,
    BusinessStages,
}

impl GuideElement {
    /// Every element, in the order a guide shows them.
    pub const ALL: [GuideElement; 17] = [
        Self::Code,
        Self::Kind,
        Self::ImplementingOrg,
        Self::LegalBasis,
        Self::Conditions,
        Self::Materials,
        Self::Fee,
        Self::Steps,
        Self::StatutoryDays,
        Self::PromisedDays,
        Self::Places,
        Self::OnlineUrl,
        Self::ConsultPhone,
        Self::ComplaintPhone,
        Self::Audiences,
        Self::LifeEvents,
        Self::BusinessStages,
    ];

    /// Returns the field name used in import files and forms, such as `legal_basis`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Code => "code",
            Self::Kind => "kind",
            Self::ImplementingOrg => "implementing_org",
            Self::LegalBasis => "legal_basis",
            Self::Conditions => "conditions",
            Self::Materials => "materials",
            Self::Fee => "fee",
            Self::Steps => "steps",
            Self::StatutoryDays => "statutory_days",
            Self::PromisedDays => "promised_days",
            Self::Places => "places",
            Self::OnlineUrl => "online_url",
            Self::ConsultPhone => "consult_phone",
            Self::ComplaintPhone => "complaint_phone",
            Self::Audiences => "audiences",
            Self::LifeEvents => "life_events",
            Self::BusinessStages => "business_stages",
        }
    }

    /// Returns the Chinese name of the element as a service guide labels it.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Code => "事项编码",
            Self::Kind => "事项类型",
            Self::ImplementingOrg => "实施主体",
            Self::LegalBasis => "设定依据",
            Self::Conditions => "受理条件",
            Self::Materials => "申请材料",
            Self::Fee => "收费标准及依据",
            Self::Steps => "办理流程",
            Self::StatutoryDays => "法定办结时限",
            Self::PromisedDays => "承诺办结时限",
            Self::Places => "办理地点和时间",
            Self::OnlineUrl => "在线办理地址",
            Self::ConsultPhone => "咨询电话",
            Self::ComplaintPhone => "监督投诉电话",
            Self::Audiences => "服务对象",
            Self::LifeEvents => "所属生命周期事件",
            Self::BusinessStages => "所属企业经营阶段",
        }
    }

    /// Parses an element from its code.
    pub fn parse(code: &str) -> Option<GuideElement> {
        Self::ALL
            .into_iter()
            .find(|element| element.code() == code.trim())
    }
}

fn blank(text: &str) -> bool {
    text.trim().is_empty()
}

fn blank_opt(text: &Option<String>) -> bool {
    text.as_deref().is_none_or(blank)
}

impl ServiceGuide {
    /// Returns the key elements this guide lacks, in guide order; empty when it is complete.
    ///
    /// A life event is required when the service is for individuals, a business stage when it
    /// is for businesses. A material needs a name and an issuing body; a place needs an
    /// address and hours; a fee needs its standard and basis unless the service is free.
    pub fn missing(&self) -> Vec<GuideElement> {
        let individual = self.audiences.contains(&ServiceAudience::Individual);
        let business = self.audiences.contains(&ServiceAudience::Business);
        GuideElement::ALL
            .into_iter()
            .filter(|element| match element {
                GuideElement::Code => blank(&self.code),
                GuideElement::Kind => self.kind.is_none(),
                GuideElement::ImplementingOrg => blank(&self.implementing_org),
                GuideElement::LegalBasis => blank(&self.legal_basis),
                GuideElement::Conditions => blank(&self.conditions),
                GuideElement::Materials => {
                    self.materials.is_empty()
                        || self
                            .materials
                            .iter()
                            .any(|material| blank(&material.name) || blank_opt(&material.issuer))
                }
                GuideElement::Fee => match &self.fee {
                    None => true,
                    Some(fee) => !fee.free && (blank(&fee.standard) || blank(&fee.basis)),
                },
                GuideElement::Steps => {
                    self.steps.is_empty() || self.steps.iter().any(|step| blank(&step.name))
                }
                GuideElement::StatutoryDays => self.statutory_days.is_none(),
                GuideElement::PromisedDays => self.promised_days.is_none(),
                GuideElement::Places => {
                    self.places.is_empty()
                        || self
                            .places
                            .iter()
                            .any(|place| blank(&place.address) || blank(&place.hours))
                }
                GuideElement::OnlineUrl => blank_opt(&self.online_url),
                GuideElement::ConsultPhone => blank_opt(&self.consult_phone),
                GuideElement::ComplaintPhone => blank_opt(&self.complaint_phone),
                GuideElement::Audiences => self.audiences.is_empty(),
                GuideElement::LifeEvents => individual && self.life_events.is_empty(),
                GuideElement::BusinessStages => business && self.business_stages.is_empty(),
            })
            .collect()
    }

    /// Returns true when no key element is missing.
    pub fn is_complete(&self) -> bool {
        self.missing().is_empty()
    }

    /// Returns true when the guide may be published: complete, or incomplete with a reason.
    pub fn may_publish(&self) -> bool {
        self.is_complete() || !blank_opt(&self.incomplete_reason)
    }

    /// Checks the format of every element that is present and returns the errors found, empty
    /// when the guide is well formed. Absent elements are the completeness check's business,
    /// except the code, which every service needs.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_code(&self.code, &mut errors);
        check_days("statutory_days", self.statutory_days, &mut errors);
        check_days("promised_days", self.promised_days, &mut errors);
        if let (Some(statutory), Some(promised)) = (self.statutory_days, self.promised_days) {
            if promised > statutory {
                errors.push(FieldError::new(
                    "promised_days",
                    format!(
                        "the promised time limit of {promised} working days is longer than the \
                         statutory {statutory}; promise at most {statutory}"
                    ),
                ));
            }
        }
        for (field, text) in [
            ("implementing_org", &self.implementing_org),
            ("legal_basis", &self.legal_basis),
            ("conditions", &self.conditions),
        ] {
            check_length(field, text, MAX_TEXT_CHARS, &mut errors);
        }
        if let Some(reason) = &self.incomplete_reason {
            check_length("incomplete_reason", reason, MAX_SHORT_CHARS, &mut errors);
        }
        for (field, phone) in [
            ("consult_phone", &self.consult_phone),
            ("complaint_phone", &self.complaint_phone),
        ] {
            if let Some(phone) = phone.as_deref().filter(|phone| !blank(phone)) {
                check_phone(field, phone, &mut errors);
            }
        }
        if let Some(url) = self.online_url.as_deref().filter(|url| !blank(url)) {
            if !is_web_url(url) {
                errors.push(FieldError::new(
                    "online_url",
                    format!("\"{url}\" is not a web address; give a link starting with https://"),
                ));
            }
        }
        self.check_lists(&mut errors);
        errors
    }

    fn check_lists(&self, errors: &mut Vec<FieldError>) {
        for (field, len) in [
            ("materials", self.materials.len()),
            ("steps", self.steps.len()),
            ("places", self.places.len()),
        ] {
            if len > MAX_LIST_LEN {
                errors.push(FieldError::new(
                    field,
                    format!("{field} lists {len} entries; keep it to {MAX_LIST_LEN}"),
                ));
            }
        }
        for (number, material) in self.materials.iter().enumerate() {
            check_length("materials", &material.name, MAX_SHORT_CHARS, errors);
            if material.originals > 100 || material.copies > 100 {
                errors.push(FieldError::new(
                    "materials",
                    format!(
                        "material {} asks for {} originals and {} copies; give at most 100 of each",
                        number + 1,
                        material.originals,
                        material.copies
                    ),
                ));
            }
            for file in [&material.blank_form, &material.example]
                .into_iter()
                .flatten()
            {
                if !is_file_path(&file.href) && !is_web_url(&file.href) {
                    errors.push(FieldError::new(
                        "materials",
                        format!(
                            "the file link \"{}\" of material {} is neither an uploaded file \
                             nor a web address; upload the file again",
                            file.href,
                            number + 1
                        ),
                    ));
                }
            }
        }
        for step in &self.steps {
            check_length("steps", &step.name, MAX_SHORT_CHARS, errors);
            check_length("steps", &step.description, MAX_TEXT_CHARS, errors);
        }
        for place in &self.places {
            check_length("places", &place.address, MAX_SHORT_CHARS, errors);
            check_length("places", &place.hours, MAX_SHORT_CHARS, errors);
        }
        if let Some(fee) = &self.fee {
            check_length("fee", &fee.standard, MAX_SHORT_CHARS, errors);
            check_length("fee", &fee.basis, MAX_TEXT_CHARS, errors);
        }
    }
}

/// Returns true when `code` is a well-formed service code.
pub fn is_service_code(code: &str) -> bool {
    !code.is_empty()
        && code.chars().count() <= MAX_CODE_CHARS
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn check_code(code: &str, errors: &mut Vec<FieldError>) {
    if code.trim().is_empty() {
        errors.push(FieldError::new(
            "code",
            "the service code is empty; give the code from the service catalogue (事项编码)",
        ));
    } else if !is_service_code(code) {
        errors.push(FieldError::new(
            "code",
            format!(
                "service code \"{code}\" may hold only letters, digits, '-', '_' and '.', at \
                 most {MAX_CODE_CHARS} of them; copy the code from the service catalogue"
            ),
        ));
    }
}

fn check_days(field: &'static str, days: Option<u32>, errors: &mut Vec<FieldError>) {
    if let Some(days) = days {
        if days > MAX_TIME_LIMIT_DAYS {
            errors.push(FieldError::new(
                field,
                format!(
                    "{days} working days is longer than any time limit ({MAX_TIME_LIMIT_DAYS} \
                     at most); correct the number"
                ),
            ));
        }
    }
}

fn check_length(field: &'static str, text: &str, max: usize, errors: &mut Vec<FieldError>) {
    let len = text.chars().count();
    if len > max {
        errors.push(FieldError::new(
            field,
            format!("{field} has {len} characters; shorten it to {max}"),
        ));
    }
}

/// Checks a phone number as guides print it: digits with `-`, spaces, `+`, brackets, commas and 、
/// between several numbers, and 转 before an extension.
fn check_phone(field: &'static str, phone: &str, errors: &mut Vec<FieldError>) {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone.chars().all(|c| {
        c.is_ascii_digit()
            || matches!(
                c,
                '-' | ' ' | '+' | '(' | ')' | '（' | '）' | ',' | '，' | '、' | '转' | ';' | '；'
            )
    });
    if !allowed || !(3..=60).contains(&digits) {
        errors.push(FieldError::new(
            field,
            format!(
                "\"{phone}\" is not a phone number; write digits such as 0431-88888888 or 12345"
            ),
        ));
    }
}

/// Returns true for the path of an uploaded file: `/files/` and one name of letters, digits,
/// `.`, `-` and `_`, without `..`.
pub fn is_file_path(href: &str) -> bool {
    href.strip_prefix("/files/").is_some_and(|name| {
        !name.is_empty()
            && !name.contains("..")
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    })
}

/// Returns true for an absolute `http` or `https` URL with a host and no spaces.
pub fn is_web_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !url.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

#[cfg(test)]
#[path = "service_tests.rs"]
mod tests;
