use proptest::prelude::*;

use super::*;

/// Published codes of listed companies, as printed on their business licences and in the
/// National Enterprise Credit Information Publicity System (国家企业信用信息公示系统), written
/// from memory. Both check formulas agree with all three, which a wrong formula would not.
const PUBLISHED: [(&str, &str); 3] = [
    ("914403001922038216", "华为技术有限公司"),
    ("91440300708461136T", "深圳市腾讯计算机系统有限公司"),
    ("91440300192317458F", "比亚迪股份有限公司"),
];

fn reason(text: &str) -> String {
    CreditCode::parse(text).unwrap_err().reason().to_owned()
}

#[test]
fn published_codes_parse() {
    for (code, company) in PUBLISHED {
        let parsed = CreditCode::parse(code).unwrap_or_else(|e| panic!("{company}: {e}"));
        assert_eq!(parsed.as_str(), code);
    }
}

#[test]
fn published_check_characters_match() {
    for (code, company) in PUBLISHED {
        let expected = code.chars().nth(17);
        assert_eq!(compute_check_char(&code[..17]), expected, "{company}");
        assert_eq!(
            compute_org_check_char(&code[8..16]),
            code.chars().nth(16),
            "{company}"
        );
    }
}

#[test]
fn weights_are_powers_of_three() {
    let mut power = 1;
    for weight in WEIGHTS {
        assert_eq!(weight, power);
        power = power * 3 % 31;
    }
}

#[test]
fn parts_are_exposed() {
    let code = CreditCode::parse("914403001922038216").unwrap();
    assert_eq!(code.org_code(), "192203821");
    assert_eq!(code.division_code(), "440300");
    assert_eq!(code.to_string(), "914403001922038216");
    assert_eq!(String::from(code), "914403001922038216");
}

#[test]
fn lowercase_and_spaces_are_normalized() {
    let code = CreditCode::parse(" 91440300708461136t ").unwrap();
    assert_eq!(code.as_str(), "91440300708461136T");
}

#[test]
fn wrong_check_character_names_the_fix() {
    let error = CreditCode::parse("914403001922038217").unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid unified social credit code \"914403001922038217\": check character should be \"6\""
    );
}

#[test]
fn wrong_length_is_rejected() {
    assert_eq!(
        reason("91440300192203821"),
        "must be 18 characters, found 17"
    );
    assert_eq!(reason(""), "must be 18 characters, found 0");
    assert_eq!(
        reason("9144030019220382160"),
        "must be 18 characters, found 19"
    );
}

#[test]
fn excluded_letters_are_rejected() {
    for bad in ['I', 'O', 'S', 'V', 'Z'] {
        let text = format!("91440300MA{bad}0000000");
        assert!(reason(&text).starts_with("character 11 \""), "{bad}");
    }
    assert!(reason("91440300192203821中").starts_with("character 18"));
}

#[test]
fn unknown_authority_is_rejected() {
    let first17 = "B1440300192203821";
    let code = format!("{first17}{}", compute_check_char(first17).unwrap());
    assert!(reason(&code).starts_with("registration authority \"B\""));
}

#[test]
fn kind_outside_authority_is_rejected() {
    let first17 = "94440300192203821";
    let code = format!("{first17}{}", compute_check_char(first17).unwrap());
    assert!(reason(&code).starts_with("kind \"4\" (character 2)"));
}

#[test]
fn letters_in_division_part_are_rejected() {
    let first17 = "9144A300192203821";
    let code = format!("{first17}{}", compute_check_char(first17).unwrap());
    assert!(reason(&code).starts_with("characters 3 to 8 \"44A300\""));
}

#[test]
fn central_division_code_is_accepted() {
    let first16 = "11100000MB000000";
    let org = compute_org_check_char(&first16[8..]).unwrap();
    let first17 = format!("{first16}{org}");
    let code = format!("{first17}{}", compute_check_char(&first17).unwrap());
    assert_eq!(CreditCode::parse(&code).unwrap().division_code(), "100000");
}

#[test]
fn wrong_org_check_character_is_rejected() {
    let first17 = "91440300192203822";
    let code = format!("{first17}{}", compute_check_char(first17).unwrap());
    assert_eq!(
        reason(&code),
        "organization code \"192203822\" (characters 9 to 17) should end with check character \"1\""
    );
}

#[test]
fn org_check_maps_ten_and_eleven() {
    // Weighted sums: 3 * 3 = 9 gives 11 - 9 = 2, and 1 * 3 = 3 gives 8.
    assert_eq!(compute_org_check_char("30000000"), Some('2'));
    assert_eq!(compute_org_check_char("10000000"), Some('8'));
    // A sum of 0 gives 11, written 0; 6 * 2 = 12 leaves 1 and gives 10, written X.
    assert_eq!(compute_org_check_char("00000000"), Some('0'));
    assert_eq!(compute_org_check_char("00000006"), Some('X'));
    assert_eq!(compute_org_check_char("0000000"), None);
    assert_eq!(compute_org_check_char("0000000a"), None);
}

#[test]
fn check_char_rejects_bad_input() {
    assert_eq!(compute_check_char("9144030019220382"), None);
    assert_eq!(compute_check_char("91440300192203821X"), None);
    assert_eq!(compute_check_char("9144030019220382I"), None);
    assert_eq!(compute_check_char("00000000000000000"), Some('0'));
}

#[test]
fn serde_round_trips_and_validates() {
    let code: CreditCode = serde_json::from_str("\"91440300192317458f\"").unwrap();
    assert_eq!(code.as_str(), "91440300192317458F");
    assert_eq!(
        serde_json::to_string(&code).unwrap(),
        "\"91440300192317458F\""
    );
    assert!(serde_json::from_str::<CreditCode>("\"91440300192317458G\"").is_err());
}

proptest! {
    #[test]
    fn parse_never_panics(text in "\\PC*") {
        let _ = CreditCode::parse(&text);
    }

    #[test]
    fn computed_codes_parse(
        authority in prop::sample::select(vec!["11", "12", "51", "52", "91", "92", "93", "Y1"]),
        division in "[0-9]{6}",
        org in "[0-9A-HJ-NPQRTUWXY]{8}",
    ) {
        let org_check = compute_org_check_char(&org).unwrap();
        let first17 = format!("{authority}{division}{org}{org_check}");
        let check = compute_check_char(&first17);
        prop_assume!(check.is_some());
        let text = format!("{first17}{}", check.unwrap());
        let code = CreditCode::parse(&text).unwrap();
        prop_assert_eq!(code.as_str(), text.as_str());
        prop_assert_eq!(CreditCode::parse(&code.to_string()).unwrap(), code);
    }

    #[test]
    fn changed_check_character_fails(index in 0usize..31) {
        let (code, _) = PUBLISHED[0];
        let replacement = ALPHABET.chars().nth(index).unwrap();
        prop_assume!(Some(replacement) != code.chars().nth(17));
        let text = format!("{}{replacement}", &code[..17]);
        prop_assert!(CreditCode::parse(&text).is_err());
    }
}
