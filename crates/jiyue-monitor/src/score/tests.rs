//! Scoring of fixture sites against a fixture rule table.

use super::*;

fn veto(code: &str, threshold: i64) -> Rule {
    Rule {
        code: code.into(),
        category: Category::Veto,
        description: format!("veto {code}"),
        points: Points(0),
        cap: Points(0),
        veto: true,
        threshold: Some(threshold),
    }
}

fn deduction(code: &str, category: Category, points: i64, cap: i64) -> Rule {
    Rule {
        code: code.into(),
        category,
        description: format!("deduction {code}"),
        points: Points(points),
        cap: Points(cap),
        veto: false,
        threshold: None,
    }
}

/// Builds the rules of the reference table with round figures.
fn rules() -> Vec<Rule> {
    vec![
        veto("veto-unreachable", 5),
        veto("veto-home-stale", 14),
        veto("veto-key-columns-stale", 5),
        veto("veto-columns-stale", 10),
        veto("veto-columns-blank", 5),
        veto("veto-messages-unanswered", 1),
        veto("veto-serious-error", 1),
        veto("veto-security", 1),
        deduction("release-column-stale", Category::Release, 100, 1_000),
        deduction("release-column-blank", Category::Release, 100, 500),
        deduction("release-policy-uninterpreted", Category::Release, 100, 500),
        deduction("service-guide-incomplete", Category::Service, 100, 1_000),
        deduction("interaction-answer-late", Category::Interaction, 100, 500),
        deduction("function-home-broken-link", Category::Function, 100, 500),
        deduction("function-inner-broken-link", Category::Function, 10, 500),
        deduction("function-search-broken", Category::Function, 500, 500),
        deduction("function-standards-failed", Category::Function, 50, 500),
        deduction("function-inaccessible-page", Category::Function, 50, 500),
    ]
}

/// Builds a site that a week of probes and every check found clean.
fn clean() -> SiteState {
    SiteState {
        probes: ProbeSummary {
            days: 7,
            visits: 7 * 24,
            failures: 0,
            evidence: Vec::new(),
        },
        home_days_since_update: Some(1),
        ..SiteState::default()
    }
}

fn links(count: usize, prefix: &str) -> Vec<Observation> {
    (0..count)
        .map(|index| Observation::new(format!("{prefix}/{index}.html"), "HTTP 404"))
        .collect()
}

fn stale(path: &str, key: bool) -> StaleColumn {
    StaleColumn {
        path: path.into(),
        name: path.into(),
        days: 200,
        limit_days: 183,
        key,
        evidence: vec!["newest item 2026-05-01".into()],
    }
}

fn lost(card: &Scorecard, category: Category) -> Points {
    card.categories
        .iter()
        .find(|total| total.category == category)
        .map(|total| total.points)
        .unwrap_or_default()
}

#[test]
fn clean_site_scores_full_and_passes() {
    let card = score(&clean(), &rules());
    assert_eq!(card.total, Points::FULL);
    assert!(card.pass);
    assert!(card.vetoes.is_empty());
    assert!(card.deductions.is_empty());
    assert!(card.unjudged.is_empty(), "{:?}", card.unjudged);
    assert!(card.unmeasured.is_empty(), "{:?}", card.unmeasured);
    assert_eq!(card.categories.len(), 4);
}

#[test]
fn unanswered_message_vetoes_site() {
    let mut state = clean();
    state.unanswered_messages = vec![Observation::new(
        "message 42",
        "received 2026-07-01, no answer after 157 days",
    )];
    let card = score(&state, &rules());
    assert!(!card.pass);
    assert_eq!(card.total, Points::FULL, "a veto takes no points");
    assert_eq!(card.vetoes.len(), 1);
    assert_eq!(card.vetoes[0].code, "veto-messages-unanswered");
    assert_eq!(
        card.vetoes[0].evidence,
        vec!["message 42: received 2026-07-01, no answer after 157 days"]
    );
}

#[test]
fn unreachable_fires_at_five_percent() {
    let mut state = clean();
    state.probes = ProbeSummary {
        days: 7,
        visits: 140,
        failures: 7,
        evidence: vec!["2026-11-03 02:00 timed out after 15 s".into()],
    };
    let card = score(&state, &rules());
    assert_eq!(card.vetoes.len(), 1, "7 of 140 is exactly 5%");
    let hit = &card.vetoes[0];
    assert_eq!(hit.code, "veto-unreachable");
    assert_eq!(hit.count, 5);
    assert_eq!(
        hit.evidence[0],
        "7 of 140 visits over 7 days did not open within 15 s"
    );
    assert_eq!(hit.evidence[1], "2026-11-03 02:00 timed out after 15 s");

    state.probes.failures = 6;
    assert!(
        score(&state, &rules()).vetoes.is_empty(),
        "6 of 140 is below 5%"
    );
}

#[test]
fn short_probing_is_unjudged() {
    let mut state = clean();
    state.probes = ProbeSummary {
        days: 6,
        visits: 600,
        failures: 600,
        evidence: Vec::new(),
    };
    let card = score(&state, &rules());
    assert!(card.vetoes.is_empty(), "6 days are too short to judge");
    assert_eq!(card.unjudged, vec!["veto-unreachable"]);

    state.probes = ProbeSummary {
        days: 7,
        visits: 139,
        failures: 139,
        evidence: Vec::new(),
    };
    let card = score(&state, &rules());
    assert!(card.vetoes.is_empty(), "fewer than 20 visits a day");
    assert_eq!(card.unjudged, vec!["veto-unreachable"]);
}

#[test]
fn home_page_stale_two_weeks_vetoes() {
    let mut state = clean();
    state.home_days_since_update = Some(13);
    assert!(score(&state, &rules()).pass);
    state.home_days_since_update = Some(14);
    let card = score(&state, &rules());
    assert!(!card.pass);
    assert_eq!(card.vetoes[0].code, "veto-home-stale");
    assert_eq!(
        card.vetoes[0].evidence[0],
        "14 days since the home page changed"
    );

    state.home_days_since_update = None;
    let card = score(&state, &rules());
    assert_eq!(card.unjudged, vec!["veto-home-stale"]);
}

#[test]
fn column_vetoes_at_their_lines() {
    let mut state = clean();
    state.stale_columns = (0..4).map(|i| stale(&format!("tzgg{i}"), true)).collect();
    state.blank_columns = links(4, "blank");
    let card = score(&state, &rules());
    assert!(
        card.vetoes.is_empty(),
        "4 key columns and 4 blank columns stay below 5"
    );
    assert_eq!(card.total, Points(10_000 - 400 - 400));

    state.stale_columns.push(stale("zcwj", true));
    state.blank_columns = links(5, "blank");
    let card = score(&state, &rules());
    let codes: Vec<&str> = card.vetoes.iter().map(|hit| hit.code.as_str()).collect();
    assert_eq!(codes, vec!["veto-key-columns-stale", "veto-columns-blank"]);
    assert!(!card.pass);

    let mut state = clean();
    state.stale_columns = (0..10).map(|i| stale(&format!("c{i}"), false)).collect();
    let card = score(&state, &rules());
    let codes: Vec<&str> = card.vetoes.iter().map(|hit| hit.code.as_str()).collect();
    assert_eq!(
        codes,
        vec!["veto-columns-stale"],
        "ordinary columns count to 10"
    );
}

#[test]
fn deductions_add_up_with_caps() {
    let mut state = clean();
    state.home_broken_links = links(3, "home");
    state.inner_broken_links = links(70, "inner");
    state.search_failures = links(4, "search");
    state.incomplete_service_guides = links(12, "service");
    state.late_answers = links(2, "message");
    let card = score(&state, &rules());

    let home = card
        .deductions
        .iter()
        .find(|d| d.code == "function-home-broken-link")
        .unwrap();
    assert_eq!(home.points, Points(300));
    assert!(!home.capped);
    let inner = card
        .deductions
        .iter()
        .find(|d| d.code == "function-inner-broken-link")
        .unwrap();
    assert_eq!(inner.occurrences, 70);
    assert_eq!(
        inner.points,
        Points(500),
        "70 × 0.1 = 7 points, capped at 5"
    );
    assert!(inner.capped);
    assert_eq!(inner.evidence.len(), MAX_EVIDENCE_LINES + 1);
    assert_eq!(inner.evidence[MAX_EVIDENCE_LINES], "… and 20 more");
    let search = card
        .deductions
        .iter()
        .find(|d| d.code == "function-search-broken")
        .unwrap();
    assert_eq!(search.occurrences, 1, "a broken search counts once");

    assert_eq!(lost(&card, Category::Function), Points(300 + 500 + 500));
    assert_eq!(lost(&card, Category::Service), Points(1_000));
    assert_eq!(lost(&card, Category::Interaction), Points(200));
    assert_eq!(lost(&card, Category::Release), Points(0));
    assert_eq!(card.total, Points(10_000 - 1_300 - 1_000 - 200));
    assert_eq!(card.total.to_string(), "75");
    assert!(card.pass);
}

#[test]
fn total_below_sixty_fails() {
    let rules = vec![
        deduction(
            "function-home-broken-link",
            Category::Function,
            1_000,
            10_000,
        ),
        deduction("release-column-blank", Category::Release, 1_000, 10_000),
    ];
    let mut state = clean();
    state.home_broken_links = links(3, "home");
    state.blank_columns = links(1, "blank");
    let card = score(&state, &rules);
    assert_eq!(card.total, Points(6_000));
    assert!(card.pass, "60 is the pass line");

    state.blank_columns = links(2, "blank");
    let card = score(&state, &rules);
    assert_eq!(card.total, Points(5_000));
    assert!(!card.pass);

    state.home_broken_links = links(30, "home");
    let card = score(&state, &rules);
    assert_eq!(card.total, Points(0), "the total never goes below 0");
}

#[test]
fn unknown_rule_is_unmeasured() {
    let mut rules = rules();
    rules.push(deduction(
        "interaction-survey-missing",
        Category::Interaction,
        200,
        200,
    ));
    rules.push(veto("veto-fake-content", 1));
    let card = score(&clean(), &rules);
    assert_eq!(
        card.unmeasured,
        vec!["interaction-survey-missing", "veto-fake-content"]
    );
    assert!(card.pass);
}

#[test]
fn unmeasured_rules_listed_not_cleared() {
    let mut state = clean();
    state.inner_broken_links = links(3, "inner");
    state.unmeasured = vec![
        "function-inner-broken-link".to_string(),
        "veto-security".to_string(),
        "veto-home-stale".to_string(),
    ];
    let card = score(&state, &rules());
    assert!(card
        .deductions
        .iter()
        .all(|deduction| deduction.code != "function-inner-broken-link"));
    for code in [
        "function-inner-broken-link",
        "veto-security",
        "veto-home-stale",
    ] {
        if rules().iter().any(|rule| rule.code == code) {
            assert!(
                card.unmeasured.iter().any(|listed| listed == code),
                "{code}"
            );
        }
    }
    assert!(!card.unjudged.iter().any(|code| code == "veto-home-stale"));
}

#[test]
fn edited_points_change_score() {
    let mut rules = rules();
    let mut state = clean();
    state.home_broken_links = links(2, "home");
    assert_eq!(score(&state, &rules).total, Points(9_800));
    for rule in &mut rules {
        if rule.code == "function-home-broken-link" {
            rule.points = Points(250);
        }
    }
    assert_eq!(score(&state, &rules).total, Points(9_500));
}

#[test]
fn points_display() {
    assert_eq!(Points(10_000).to_string(), "100");
    assert_eq!(Points(9_750).to_string(), "97.5");
    assert_eq!(Points(9_725).to_string(), "97.25");
    assert_eq!(Points(10).to_string(), "0.1");
    assert_eq!(Points(-50).to_string(), "-0.5");
}

#[test]
fn card_round_trips_as_json() {
    let mut state = clean();
    state.serious_misstatements = vec![Observation::new("/a.html", "李甘杰 for 李干杰")];
    state.inner_broken_links = links(2, "inner");
    let card = score(&state, &rules());
    let json = serde_json::to_string(&card).unwrap();
    assert!(json.contains("\"category\":\"function\""), "{json}");
    assert_eq!(card_from_json(&json).unwrap(), card);
    assert!(card_from_json("{").is_err());
}
