use super::*;

/// Appends the GB 11643 check character to 17 digits, computed here independently of the
/// code under test.
fn with_check(first17: &str) -> String {
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .chars()
        .zip(weights)
        .map(|(c, weight)| c.to_digit(10).unwrap() * weight)
        .sum();
    let check = "10X98765432".chars().nth((sum % 11) as usize).unwrap();
    format!("{first17}{check}")
}

/// Returns an identity number whose check character is wrong.
fn with_wrong_check(first17: &str) -> String {
    let valid = with_check(first17);
    let wrong = if valid.ends_with('0') { '1' } else { '0' };
    format!("{first17}{wrong}")
}

fn mask(text: &str) -> Masked {
    mask_personal_data(text, &[])
}

#[test]
fn identity_number_valid_check_digit() {
    let id = with_check("22010219850304123");
    let masked = mask(&format!("身份证号{id}，请核实"));
    assert_eq!(
        masked.text,
        format!("身份证号220102********{}，请核实", &id[14..])
    );
    assert_eq!(masked.found, vec![MaskedKind::IdentityNumber]);
}

#[test]
fn identity_number_with_x() {
    assert_eq!(with_check("11010519491231002"), "11010519491231002X");
    let masked = mask("证件：11010519491231002X。");
    assert_eq!(masked.text, "证件：110105********002X。");
    let lower = mask("证件：11010519491231002x。");
    assert_eq!(lower.text, "证件：110105********002x。");
    assert_eq!(lower.found, vec![MaskedKind::IdentityNumber]);
}

#[test]
fn identity_number_wrong_check_with_birth_date_masked() {
    // A mistyped check character still names a person when the birth date is plausible.
    let id = with_wrong_check("22010219850304123");
    let masked = mask(&format!("号码{id}有误"));
    assert_eq!(masked.text, format!("号码220102********{}有误", &id[14..]));
    assert_eq!(masked.found, vec![MaskedKind::IdentityNumber]);
}

#[test]
fn eighteen_digits_without_birth_date_stay() {
    let text = "订单号123456789012345678已发货";
    assert_eq!(mask(text).text, text);
    assert!(mask(text).found.is_empty());
}

#[test]
fn grouped_identity_numbers_masked() {
    for text in [
        "身份证 220102 19800101 1234 请核对",
        "身份证 2201 0219 8001 0112 34 请核对",
        "身份证 220102-19800101-1234 请核对",
    ] {
        let masked = mask(text);
        assert_eq!(masked.text, "身份证 220102********1234 请核对", "{text}");
        assert_eq!(masked.found, vec![MaskedKind::IdentityNumber], "{text}");
    }
}

#[test]
fn dotted_mobile_masked() {
    assert_eq!(mask("电话139.1234.5678").text, "电话139.****.5678");
}

#[test]
fn identity_number_old_fifteen_digits() {
    let masked = mask("旧证号 220102850304123 已换领");
    assert_eq!(masked.text, "旧证号 220102*****4123 已换领");
    assert_eq!(masked.found, vec![MaskedKind::IdentityNumber]);

    let no_date = "编号 220102851344123";
    assert_eq!(mask(no_date).text, no_date);
}

#[test]
fn identity_number_inside_longer_run_stays() {
    let id = with_check("22010219850304123");
    for text in [
        format!("订单{id}99"),
        format!("订单7{id}"),
        format!("A{id}"),
    ] {
        assert_eq!(mask(&text).text, text);
    }
}

#[test]
fn long_order_number_stays() {
    let text = "订单号 20261204138001380001 已受理";
    assert_eq!(mask(text).text, text);
    assert!(mask(text).found.is_empty());
}

#[test]
fn mobile_plain_and_prefixed() {
    let cases = [
        ("电话13800138000。", "电话138****8000。"),
        ("电话+8613912345678", "电话+86139****5678"),
        ("电话+86 139 1234 5678", "电话+86 139 **** 5678"),
        ("电话8615012345678", "电话86150****5678"),
        ("电话186-1234-5678，", "电话186-****-5678，"),
    ];
    for (text, expected) in cases {
        let masked = mask(text);
        assert_eq!(masked.text, expected, "input {text}");
        assert_eq!(masked.found, vec![MaskedKind::Mobile], "input {text}");
    }
}

#[test]
fn mobile_lookalikes_stay() {
    for text in [
        "金额1380013800元",
        "编号12800138000",
        "编号138001380001",
        "138 0013-8000",
        "订单A13800138000",
    ] {
        assert_eq!(mask(text).text, text, "input {text}");
        assert!(mask(text).found.is_empty(), "input {text}");
    }
}

#[test]
fn landline_keeps_area_code() {
    let masked = mask("请致电0431-88888888或010-6551234。");
    assert_eq!(masked.text, "请致电0431-******88或010-*****34。");
    assert_eq!(
        masked.found,
        vec![MaskedKind::Landline, MaskedKind::Landline]
    );
}

#[test]
fn service_numbers_and_dates_stay() {
    for text in [
        "请拨打12345政务服务便民热线",
        "于2026-12-04办结",
        "2026年12月4日",
        "国办函〔2018〕71号",
        "0431-123456",
    ] {
        assert_eq!(mask(text).text, text, "input {text}");
        assert!(mask(text).found.is_empty(), "input {text}");
    }
}

#[test]
fn email_keeps_first_character_and_domain() {
    let masked = mask("邮箱zhangsan.1985@example.com.cn。");
    assert_eq!(masked.text, "邮箱z***@example.com.cn。");
    assert_eq!(masked.found, vec![MaskedKind::Email]);

    let end_of_sentence = mask("Write to a@gov.cn.");
    assert_eq!(end_of_sentence.text, "Write to a***@gov.cn.");
}

#[test]
fn email_without_domain_dot_stays() {
    let text = "user@localhost";
    assert_eq!(mask(text).text, text);
}

#[test]
fn address_house_numbers() {
    let cases = [
        ("住人民大街1234号", "住人民大街**号"),
        ("住解放路5号楼3单元502室，", "住解放路**号楼**单元**室，"),
        ("住长春街2栋1单元301", "住长春街**栋**单元**"),
        ("南锣鼓巷胡同12-3号", "南锣鼓巷胡同**号"),
        ("幸福巷8号院", "幸福巷**号院"),
    ];
    for (text, expected) in cases {
        let masked = mask(text);
        assert_eq!(masked.text, expected, "input {text}");
        assert_eq!(masked.found, vec![MaskedKind::Address], "input {text}");
    }
}

#[test]
fn address_needs_unit_after_first_number() {
    for text in ["人民大街2026年改造", "渠道3个", "人民大街"] {
        assert_eq!(mask(text).text, text, "input {text}");
    }
}

#[test]
fn known_names_masked_everywhere() {
    let masked = mask_personal_data("张三丰反映：张三丰家门口路灯不亮。", &["张三丰"]);
    assert_eq!(masked.text, "张**反映：张**家门口路灯不亮。");
    assert_eq!(masked.found, vec![MaskedKind::Name, MaskedKind::Name]);
}

#[test]
fn known_names_longest_first_and_short_ignored() {
    let masked = mask_personal_data("李四和李四光和李", &["李四", "李四光", "李", " "]);
    assert_eq!(masked.text, "李*和李**和李");
    assert_eq!(masked.found, vec![MaskedKind::Name, MaskedKind::Name]);
}

#[test]
fn full_width_digits_masked() {
    let masked = mask("电话１３８００１３８０００，地址人民路１２号。");
    assert_eq!(masked.text, "电话138****8000，地址人民路**号。");
    assert_eq!(masked.found, vec![MaskedKind::Mobile, MaskedKind::Address]);
}

#[test]
fn mixed_text_found_in_order() {
    let id = with_check("22010219850304123");
    let text = format!(
        "王小明（身份证{id}），住朝阳路18号，电话13800138000，\
         邮箱wxm@example.com，座机0431-88881234，请拨打12345。"
    );
    let masked = mask_personal_data(&text, &["王小明"]);
    assert_eq!(
        masked.text,
        format!(
            "王**（身份证220102********{}），住朝阳路**号，电话138****8000，\
             邮箱w***@example.com，座机0431-******34，请拨打12345。",
            &id[14..]
        )
    );
    assert_eq!(
        masked.found,
        vec![
            MaskedKind::Name,
            MaskedKind::IdentityNumber,
            MaskedKind::Address,
            MaskedKind::Mobile,
            MaskedKind::Email,
            MaskedKind::Landline,
        ]
    );
}

#[test]
fn masking_is_idempotent() {
    let id = with_check("22010219850304123");
    let text = format!(
        "王小明，{id}，220102850304123，+86 139 1234 5678，13800138000，0431-88881234，\
         z@example.com，zhang@example.com，解放路5号楼3单元502室，长春街2栋1单元301"
    );
    let once = mask_personal_data(&text, &["王小明"]);
    assert_eq!(once.found.len(), 10);
    let twice = mask_personal_data(&once.text, &["王小明"]);
    assert_eq!(twice.text, once.text);
    assert!(twice.found.is_empty());
}

#[test]
fn empty_text_unchanged() {
    let masked = mask_personal_data("", &["张三"]);
    assert_eq!(masked.text, "");
    assert!(masked.found.is_empty());
}
