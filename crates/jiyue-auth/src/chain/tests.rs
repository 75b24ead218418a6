use std::io::Write;
use std::process::{Command, Stdio};

use super::*;

const KEY: &[u8] = b"jiyue audit key for tests 32byte";

fn fields() -> AuditFields<'static> {
    AuditFields {
        seq: 7,
        at_micros: 1_700_000_000_123_456,
        actor: "张三",
        actor_id: Some(42),
        address: "v4:10.0.0.1",
        action: "login",
        target: "account:zhangsan",
        result: "ok",
        detail: "",
        segment: "2024-01",
    }
}

fn software_mac() -> SoftwareSm3Mac {
    SoftwareSm3Mac::new(KEY).unwrap()
}

/// Runs `script` with python3 and returns its trimmed output, or `None` with a printed reason
/// when python3 is missing or its hashlib has no SM3.
fn run_python(script: &str, args: &[&str]) -> Option<String> {
    let probe = Command::new("python3")
        .args(["-c", "import hashlib; hashlib.new('sm3')"])
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|status| status.success()) {
        println!("skipped: python3 is missing or its hashlib (OpenSSL) has no sm3");
        return None;
    }

    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8(output.stdout).unwrap().trim().to_string())
}

const PYTHON_HMAC: &str = "import hmac, sys; \
    print(hmac.new(bytes.fromhex(sys.argv[1]), bytes.fromhex(sys.argv[2]), 'sm3').hexdigest())";

#[test]
fn hmac_sm3_matches_python() {
    let keys = [
        vec![0x0bu8; 16],
        vec![0x5au8; 64],
        (0u8..100).collect::<Vec<u8>>(),
    ];
    let messages = [Vec::new(), b"abc".to_vec(), vec![0xa5u8; 1000]];

    for key in &keys {
        let mac = SoftwareSm3Mac::new(key).unwrap();
        for message in &messages {
            let args = [hex::encode(key), hex::encode(message)];
            let Some(expected) = run_python(PYTHON_HMAC, &[&args[0], &args[1]]) else {
                return;
            };
            let key_len = key.len();
            let message_len = message.len();
            assert_eq!(
                hex::encode(mac.mac(message)),
                expected,
                "key {key_len}, message {message_len}"
            );
        }
    }
}

#[test]
fn hmac_sm3_matches_openssl() {
    let message = b"jiyue audit chain";
    let spawned = Command::new("openssl")
        .args(["dgst", "-sm3", "-mac", "HMAC", "-macopt"])
        .arg(format!("hexkey:{}", hex::encode(KEY)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = spawned else {
        println!("skipped: openssl is not installed");
        return;
    };
    child.stdin.take().unwrap().write_all(message).unwrap();
    let output = child.wait_with_output().unwrap();
    if !output.status.success() {
        println!("skipped: this openssl has no HMAC-SM3");
        return;
    }

    let text = String::from_utf8(output.stdout).unwrap();
    let expected = text.trim().rsplit("= ").next().unwrap();
    assert_eq!(hex::encode(software_mac().mac(message)), expected, "{text}");
}

/// Rebuilds the entry encoding in Python from the documented layout and prints its HMAC-SM3.
const PYTHON_ENTRY: &str = r#"
import hmac, struct, sys
def field(b): return struct.pack('>I', len(b)) + b
msg = b'jiyue-audit-v1\0' + field(sys.argv[2].encode())
msg += field(b'7') + field(b'1700000000123456') + field('张三'.encode())
msg += b'\x01' + field(b'42')
for text in ['v4:10.0.0.1', 'login', 'account:zhangsan', 'ok', '', '2024-01']:
    msg += field(text.encode())
print(hmac.new(bytes.fromhex(sys.argv[1]), msg, 'sm3').hexdigest())
"#;

#[test]
fn entry_encoding_matches_python() {
    let previous = "ab".repeat(32);
    let args = [hex::encode(KEY), previous.clone()];
    let Some(expected) = run_python(PYTHON_ENTRY, &[&args[0], &args[1]]) else {
        return;
    };

    assert_eq!(entry_mac(&software_mac(), &previous, &fields()), expected);
}

#[test]
fn entry_mac_covers_every_field() {
    let mac = software_mac();
    let base = entry_mac(&mac, "", &fields());
    assert_eq!(base.len(), 64);
    assert!(base
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    assert_eq!(base, entry_mac(&mac, "", &fields()));

    let changed = [
        AuditFields { seq: 8, ..fields() },
        AuditFields {
            at_micros: 1,
            ..fields()
        },
        AuditFields {
            actor: "李四",
            ..fields()
        },
        AuditFields {
            actor_id: None,
            ..fields()
        },
        AuditFields {
            address: "v4:10.0.0.2",
            ..fields()
        },
        AuditFields {
            action: "logout",
            ..fields()
        },
        AuditFields {
            target: "site:10",
            ..fields()
        },
        AuditFields {
            result: "denied",
            ..fields()
        },
        AuditFields {
            detail: "x",
            ..fields()
        },
        AuditFields {
            segment: "2024-02",
            ..fields()
        },
    ];
    for variant in changed {
        assert_ne!(entry_mac(&mac, "", &variant), base, "{variant:?}");
    }
    assert_ne!(entry_mac(&mac, "00", &fields()), base);
}

#[test]
fn entry_mac_is_unambiguous() {
    let mac = software_mac();
    let none = AuditFields {
        actor_id: None,
        ..fields()
    };
    let zero = AuditFields {
        actor_id: Some(0),
        ..fields()
    };
    assert_ne!(entry_mac(&mac, "", &none), entry_mac(&mac, "", &zero));

    let left = AuditFields {
        actor: "ab",
        address: "c",
        ..fields()
    };
    let right = AuditFields {
        actor: "a",
        address: "bc",
        ..fields()
    };
    assert_ne!(entry_mac(&mac, "", &left), entry_mac(&mac, "", &right));
}

#[test]
fn seal_and_head_are_domain_separated() {
    let mac = software_mac();
    let last = "cd".repeat(32);

    let seal = seal_mac(&mac, "2024-01", 1, 7, 7, &last);
    assert_eq!(seal, seal_mac(&mac, "2024-01", 1, 7, 7, &last));
    assert_ne!(seal, seal_mac(&mac, "2024-01", 1, 7, 6, &last));
    assert_ne!(seal, seal_mac(&mac, "2024-01", 2, 7, 7, &last));

    let head = head_mac(&mac, 7, &last);
    assert_ne!(head, head_mac(&mac, 8, &last));
    assert_ne!(head, head_mac(&mac, 7, ""));

    let mut raw_head = Encoder::new(ENTRY_PREFIX);
    raw_head.int(7).text(&last);
    assert_ne!(
        head,
        raw_head.finish_mac(&mac),
        "prefix must change the MAC"
    );
}
