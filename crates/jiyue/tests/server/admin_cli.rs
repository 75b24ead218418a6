//! `jiyue user` as a process: creating the first system, security and audit administrators
//! at installation, refusing weak passwords and a second separated role, and auditing each
//! change.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn jiyue(args: &[&str], password: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_jiyue"));
    command
        .args(args)
        .env_remove("JIYUE_DATABASE_URL")
        .env_remove("JIYUE_NEW_PASSWORD")
        .env("JIYUE_LOG", "warn");
    if let Some(password) = password {
        command.env("JIYUE_NEW_PASSWORD", password);
    }
    command.output().unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn user_add_creates_first_administrators() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();

    for (username, role) in [
        ("sysadmin", "system_admin"),
        ("secadmin", "security_admin"),
        ("auditadmin", "audit-admin"),
    ] {
        let args = [
            "user",
            "add",
            "--data-dir",
            data,
            "--username",
            username,
            "--role",
            role,
        ];
        let output = jiyue(&args, Some("Strong-Pass-2026"));
        assert!(output.status.success(), "{username}: {}", text(&output));
        let printed = text(&output);
        assert!(printed.contains("created account"), "{printed}");
        assert!(printed.contains("second factor"), "{printed}");
    }

    // A weak password is refused, naming the rule it breaks.
    let args = [
        "user",
        "add",
        "--data-dir",
        data,
        "--username",
        "weak",
        "--role",
        "editor",
    ];
    let output = jiyue(&args, Some("password"));
    assert!(!output.status.success());
    assert!(
        text(&output).contains("4 character classes"),
        "{}",
        text(&output)
    );

    // The password may come from standard input instead.
    let mut child = Command::new(env!("CARGO_BIN_EXE_jiyue"))
        .args([
            "user",
            "add",
            "--data-dir",
            data,
            "--username",
            "editor1",
            "--role",
            "editor",
        ])
        .env_remove("JIYUE_NEW_PASSWORD")
        .env("JIYUE_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Editor-Pass-2026\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", text(&output));

    // Separated administrator roles: never two on one account, never below the platform.
    let args = [
        "user",
        "grant",
        "--data-dir",
        data,
        "--username",
        "secadmin",
        "--role",
        "audit_admin",
        "--scope",
        "platform",
    ];
    let output = jiyue(&args, None);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("separated administrator"),
        "{}",
        text(&output)
    );
    let args = [
        "user",
        "add",
        "--data-dir",
        data,
        "--username",
        "x",
        "--role",
        "audit_admin",
        "--scope",
        "site:2200000001",
    ];
    assert!(!jiyue(&args, Some("Strong-Pass-2026")).status.success());

    let output = jiyue(&["user", "list", "--data-dir", data], None);
    let listing = text(&output);
    assert!(output.status.success(), "{listing}");
    for expected in [
        "sysadmin",
        "system_admin@platform",
        "secadmin",
        "security_admin@platform",
        "auditadmin",
        "editor1",
    ] {
        assert!(
            listing.contains(expected),
            "{expected} missing from {listing}"
        );
    }
    assert!(!listing.contains("weak"));

    let output = jiyue(
        &[
            "user",
            "disable",
            "--data-dir",
            data,
            "--username",
            "editor1",
        ],
        None,
    );
    assert!(output.status.success(), "{}", text(&output));

    // Every change went to the audit log, whose chain verifies.
    let output = jiyue(&["audit", "--data-dir", data, "verify"], None);
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("6 entries"), "{}", text(&output));
}
