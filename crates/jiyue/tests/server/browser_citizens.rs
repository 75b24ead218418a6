//! Single sign-on and a public answer, in headless Chromium: a citizen signs up with a mobile
//! number on the provincial portal, is already signed in on the Changchun city portal, and
//! writes a public message there with a phone number in it. The city government accepts it,
//! writes a reply and a second staff member approves it; the message and the reply then appear
//! on the city portal with the phone number masked. axe-core checks each page the citizen sees.

use jiyue_db::{CaseFilter, Scope};
use thirtyfour::By;

use crate::browser_checks::{axe_violations, describe, fit_problems};
use crate::browser_driver::{axe_path, tools_present, Browser};
use crate::support::{start_demo, TestServer};

/// The citizen's mobile number, used to sign up.
const MOBILE: &str = "13700001111";
/// The phone number the citizen writes into the message, which must never appear in public.
const PHONE_IN_MESSAGE: &str = "13912345678";
/// The same number as the public page masks it.
const PHONE_MASKED: &str = "139****5678";
const SUBJECT: &str = "社保卡丢失后如何补办";
const REPLY: &str = "您好，社保卡丢失后可持居民身份证到任一社保经办网点挂失补办。";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_citizen_message_answered_in_public() {
    if !tools_present("browser_citizen_message_answered_in_public", true) {
        return;
    }
    let server = start_demo("sqlite").await;
    let browser = Browser::start(1280, 900).await;
    let axe = std::fs::read_to_string(axe_path()).unwrap();

    sign_up_on_portal(&server, &browser, &axe).await;
    let number = write_on_city_portal(&server, &browser, &axe).await;
    answer(&server, &number).await;
    let detail = read_answer(&server, &browser, &axe).await;

    // The answered message fits a phone's screen too.
    drop(browser);
    let phone = Browser::start(360, 740).await;
    phone.open(&detail).await;
    let problems = fit_problems(&phone, "replied message", 360).await;
    assert!(problems.is_empty(), "the reply at 360 px: {problems:#?}");

    drop(phone);
    server.running.unwrap().stop().await;
}

/// Signs up on the portal: its sign-in link leads to the identity host, where the citizen
/// asks for a code, types the code from the SMS and a name, and comes back to the portal.
async fn sign_up_on_portal(server: &TestServer, browser: &Browser, axe: &str) {
    browser
        .open(&server.url("www.jl.localhost", "/account/login?return=/"))
        .await;
    browser
        .wait_for_url("the identity host's sign-in page", |url| {
            url.contains("id.jl.localhost") && url.contains("/signin")
        })
        .await;
    assert_no_violations(browser, axe, "the sign-in page").await;

    browser
        .find("#mobile-mobile")
        .await
        .send_keys(MOBILE)
        .await
        .unwrap();
    browser
        .find("form[action='/signin/code'] button[type='submit']")
        .await
        .click()
        .await
        .unwrap();
    browser
        .wait_for_url("the code page", |url| url.ends_with("/signin/code"))
        .await;
    let code_field = browser.find("#code-code").await;
    assert_no_violations(browser, axe, "the code page").await;

    let code = latest_code(server, MOBILE);
    code_field.send_keys(&code).await.unwrap();
    browser
        .find("#code-display_name")
        .await
        .send_keys("王小明")
        .await
        .unwrap();
    browser
        .find("form[action='/signin/mobile'] button[type='submit']")
        .await
        .click()
        .await
        .unwrap();
    let portal = server.url("www.jl.localhost", "/");
    browser
        .wait_for_url("the portal after sign-up", |url| url == portal)
        .await;
}

/// Returns the newest code sent to `mobile`, from the server's SMS folder.
fn latest_code(server: &TestServer, mobile: &str) -> String {
    let messages = jiyue_notify::read_folder_sms(&server.data_dir().join("outbox-sms")).unwrap();
    let sms = messages
        .iter()
        .rev()
        .find(|sms| sms.to == mobile)
        .unwrap_or_else(|| panic!("no SMS to {mobile} among {} messages", messages.len()));
    sms.params["code"].clone()
}

/// Opens the city portal's message form, which must show without any sign-in form, writes a
/// public message and returns its case number from the confirmation.
async fn write_on_city_portal(server: &TestServer, browser: &Browser, axe: &str) -> String {
    browser
        .open(&server.url("www.changchun.localhost", "/hudong/write"))
        .await;
    let form_url = browser
        .wait_for_url("the city portal's message form", |url| {
            url.contains("www.changchun.localhost") && url.contains("/hudong/write")
        })
        .await;
    assert!(
        form_url.contains("www.changchun.localhost"),
        "already signed in, the citizen lands on the form: {form_url}"
    );
    assert_no_violations(browser, axe, "the message form").await;

    browser
        .find("input[name='category'][value='consultation']")
        .await
        .click()
        .await
        .unwrap();
    browser
        .find("#message-subject")
        .await
        .send_keys(SUBJECT)
        .await
        .unwrap();
    let body = format!("我的社保卡丢了，请问怎么补办？我的电话是{PHONE_IN_MESSAGE}。");
    browser
        .find("#message-body")
        .await
        .send_keys(&body)
        .await
        .unwrap();
    browser
        .find("input[name='visibility'][value='public']")
        .await
        .click()
        .await
        .unwrap();
    browser
        .find("#message-consent")
        .await
        .click()
        .await
        .unwrap();
    browser
        .find("form[action='/hudong/write'] button[type='submit']")
        .await
        .click()
        .await
        .unwrap();

    // The confirmation comes back on the same address, so wait for its case number.
    let mut number = None;
    let mut confirmation = String::new();
    for _ in 0..50 {
        confirmation = browser
            .script("return document.querySelector('main') ? document.querySelector('main').innerText : ''")
            .await;
        number = confirmation
            .split(|c: char| !c.is_ascii_digit())
            .find(|part| part.len() == 13)
            .map(str::to_string);
        if number.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let number =
        number.unwrap_or_else(|| panic!("no case number in the confirmation: {confirmation}"));
    assert_no_violations(browser, axe, "the confirmation").await;
    number
}

/// The city government answers: a handler accepts the message and writes the reply, and a
/// reviewer approves it, which publishes it.
async fn answer(server: &TestServer, number: &str) {
    let app = server.app();
    let filter = CaseFilter {
        text: Some(number.to_string()),
        ..CaseFilter::default()
    };
    let (cases, _) = app
        .db
        .cases(&Scope::Platform, &filter, 1, 10)
        .await
        .unwrap();
    let case = cases
        .iter()
        .find(|case| case.no == number)
        .unwrap_or_else(|| panic!("case {number} is not stored"));
    let handler = app.db.staff_by_username("handler").await.unwrap().unwrap();
    let reviewer = app.db.staff_by_username("reviewer").await.unwrap().unwrap();
    let today = app.today();
    app.db
        .accept_case(&Scope::Platform, case.id, handler.id, today, 15)
        .await
        .unwrap();
    app.db
        .submit_reply(&Scope::Platform, case.id, handler.id, REPLY)
        .await
        .unwrap();
    app.db
        .review_reply(
            &Scope::Platform,
            case.id,
            reviewer.id,
            true,
            "",
            &app.calendar(),
            today,
        )
        .await
        .unwrap();
}

/// Opens the city portal's interaction page, follows the answered message and checks that
/// the reply shows and the phone number is masked. Returns the message's address.
async fn read_answer(server: &TestServer, browser: &Browser, axe: &str) -> String {
    let hub = server.url("www.changchun.localhost", "/hudong/");
    let mut found = None;
    for _ in 0..20 {
        browser.open(&hub).await;
        let xpath = format!("//a[contains(normalize-space(.), '{SUBJECT}')]");
        if let Ok(link) = browser.driver().find(By::XPath(&xpath)).await {
            found = Some(link);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let link = found.expect("the answered message is listed on the interaction page within 2 s");
    assert_no_violations(browser, axe, "the interaction page").await;
    link.click().await.unwrap();
    let detail = browser
        .wait_for_url("the replied message", |url| url.contains("/hudong/xx/"))
        .await;

    let text = browser.find("main").await.text().await.unwrap();
    assert!(text.contains(REPLY), "the reply shows: {text}");
    assert!(
        text.contains(PHONE_MASKED),
        "the phone number shows masked: {text}"
    );
    assert!(
        !text.contains(PHONE_IN_MESSAGE),
        "the full phone number never shows: {text}"
    );
    let source = browser.driver().source().await.unwrap();
    assert!(
        !source.contains(PHONE_IN_MESSAGE),
        "the full phone number is not in the page source either"
    );
    assert_no_violations(browser, axe, "the replied message").await;

    // The citizen reads the reply among their own cases too.
    browser
        .open(&server.url("www.changchun.localhost", "/account/"))
        .await;
    browser
        .link_containing(SUBJECT)
        .await
        .click()
        .await
        .unwrap();
    browser
        .wait_for_url("the citizen's own case", |url| {
            url.contains("/account/cases/")
        })
        .await;
    let own = browser.find("main").await.text().await.unwrap();
    assert!(
        own.contains(REPLY),
        "the citizen's case page shows the reply: {own}"
    );
    assert_no_violations(browser, axe, "the citizen's own case").await;
    detail
}

async fn assert_no_violations(browser: &Browser, axe: &str, page: &str) {
    let violations = axe_violations(browser, axe).await;
    let described: Vec<String> = violations
        .iter()
        .map(|violation| describe(page, violation))
        .collect();
    assert!(described.is_empty(), "{}", described.join("\n"));
}
