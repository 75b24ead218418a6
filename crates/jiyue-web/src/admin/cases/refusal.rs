//! Chinese texts of the refusals storage returns for case actions. Storage writes its errors
//! in English for logs and operators, and the case pages show staff a Chinese sentence that
//! names the rule, followed by the stored detail with the values involved.

use jiyue_db::{CaseState, DbError};

/// The Chinese sentence of a refusal whose English detail contains the marker.
const KNOWN: [(&str, &str); 15] = [
    (
        "so they cannot approve it",
        "答复由您本人撰写，您不能审核通过自己的答复。请由另一位审核人审核。",
    ),
    (
        "the maximum its rules allow",
        "此案件的延期次数已达上限（依申请公开只能延期一次），不能再次延期。",
    ),
    (
        "extension of",
        "延期天数无效：依申请公开每次最多延长 20 个工作日，请填写 1 到 20 之间的整数。",
    ),
    ("cannot be extended on", "答复期限已过，不能再延期。"),
    ("is blank", "理由或内容不能为空，请填写后再提交。"),
    ("characters long", "文字过长，请缩短后再提交。"),
    (
        "a pause is already open",
        "案件已在暂停中，请先恢复计时再重新暂停。",
    ),
    ("no pause is open", "案件没有正在进行的暂停，无需恢复计时。"),
    (
        "is before the",
        "日期早于允许的日期，请填写受理之后的日期。",
    ),
    (
        "already with organization",
        "案件已在该单位，请选择其他单位。",
    ),
    ("is not published", "该答复未公开，无需撤下。"),
    (
        "changed while this request ran",
        "案件刚被他人修改，请刷新页面后重试。",
    ),
    (
        "working days is invalid",
        "工作日天数无效，请填写 1 到 250 之间的整数。",
    ),
    ("cannot be accepted on", "受理日期不能早于收到日期。"),
    (
        "is after today",
        "日期不能晚于今天，请填写今天或更早的日期。",
    ),
];

/// Returns the Chinese text of a storage refusal, with the stored detail after it.
pub fn refusal_text(error: &DbError) -> String {
    let detail = error.to_string();
    let sentence = match error {
        DbError::OutOfScope(_) => "您的授权范围不包括此案件或此单位。".to_string(),
        DbError::NotFound(_) => "要操作的对象不存在，请刷新页面后重新选择。".to_string(),
        _ => known_sentence(&detail),
    };
    format!("{sentence}（详情：{detail}）")
}

fn known_sentence(detail: &str) -> String {
    if detail.contains("and this needs") {
        let state = [
            CaseState::Held,
            CaseState::Received,
            CaseState::Accepted,
            CaseState::Paused,
            CaseState::ReplyPending,
            CaseState::Answered,
            CaseState::Rejected,
        ]
        .into_iter()
        .find(|state| detail.contains(&format!("is {state}")));
        return match state {
            Some(state) => format!("案件当前状态为“{}”，不能执行此操作。", state.name_zh()),
            None => "案件当前状态不允许此操作。".to_string(),
        };
    }
    KNOWN
        .iter()
        .find(|(marker, _)| detail.contains(marker))
        .map_or_else(
            || "操作未完成，请按下面的详情修改后重试。".to_string(),
            |(_, sentence)| (*sentence).to_string(),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_approval_reads_in_chinese() {
        let error = DbError::Invalid(
            "staff member 3 wrote the reply of case 1, so they cannot approve it; ask another \
             reviewer"
                .to_string(),
        );
        assert!(refusal_text(&error).starts_with("答复由您本人撰写"));
    }

    #[test]
    fn state_refusal_names_state() {
        let error = DbError::Invalid(
            "cannot accept the case: case 1 is 已受理 (accepted), and this needs 已收到 \
             (received); it is being handled"
                .to_string(),
        );
        assert!(refusal_text(&error).contains("“已受理”"));
    }
}
