use std::collections::HashSet;
use std::fs;
use std::process::Command;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use hmac::digest::generic_array::GenericArray;

use super::software::Sm4Gcm;
use super::*;

const ENCRYPTION_KEY: [u8; 16] = *b"0123456789abcdef";
const INDEX_KEY: [u8; 32] = *b"index-key-index-key-index-key-32";

fn cipher() -> SoftwareSm4 {
    SoftwareSm4::new("k1", &ENCRYPTION_KEY, &INDEX_KEY).unwrap()
}

/// Runs `script` with the test Python (`JIYUE_TEST_PYTHON`, which `scripts/test` sets to the
/// project's virtual environment with `cryptography` installed), else `python3`.
fn python_check(script: &str, args: &[String]) -> Option<String> {
    let python = std::env::var("JIYUE_TEST_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let output = match Command::new(python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
    {
        Ok(output) => output,
        Err(err) => {
            println!("skipped: cannot run python3 ({err})");
            return None;
        }
    };
    if output.status.code() == Some(77) {
        println!(
            "skipped: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
        return None;
    }

    assert!(
        output.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8(output.stdout).unwrap().trim().to_string())
}

/// Decrypts with SM4-GCM in OpenSSL through the Python cryptography module. The arguments are
/// the hex key, nonce, associated data, and ciphertext followed by the tag. It prints hex.
const PYTHON_OPEN: &str = r#"
import sys
try:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    algorithms.SM4(bytes(16))
except Exception as err:
    sys.stderr.write("python3 has no SM4 in the cryptography module: %s" % err)
    sys.exit(77)
key, nonce, aad, data = (bytes.fromhex(arg) for arg in sys.argv[1:5])
decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, data[-16:])).decryptor()
decryptor.authenticate_additional_data(aad)
print((decryptor.update(data[:-16]) + decryptor.finalize()).hex())
"#;

/// Encrypts with SM4-GCM in OpenSSL through the Python cryptography module. The arguments are
/// the hex key, nonce, associated data and plaintext. It prints the hex ciphertext and tag.
const PYTHON_SEAL: &str = r#"
import sys
try:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    algorithms.SM4(bytes(16))
except Exception as err:
    sys.stderr.write("python3 has no SM4 in the cryptography module: %s" % err)
    sys.exit(77)
key, nonce, aad, plaintext = (bytes.fromhex(arg) for arg in sys.argv[1:5])
encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
encryptor.authenticate_additional_data(aad)
data = encryptor.update(plaintext) + encryptor.finalize()
print((data + encryptor.tag).hex())
"#;

/// Prints the hex HMAC-SM3 under key argv[1] of the index input built from field code argv[2]
/// and normalized value argv[3].
const PYTHON_INDEX: &str = r#"
import hashlib, hmac, sys
try:
    hashlib.new("sm3")
except ValueError as err:
    sys.stderr.write("the local OpenSSL has no SM3: %s" % err)
    sys.exit(77)
message = b"jiyue-personal-index-v1\0" + sys.argv[2].encode() + b"\0" + sys.argv[3].encode()
print(hmac.new(bytes.fromhex(sys.argv[1]), message, lambda: hashlib.new("sm3")).hexdigest())
"#;

/// The SM4-GCM example of RFC 8998 appendix A.1. OpenSSL through the Python cryptography module
/// (version 48) computes the same ciphertext and tag.
#[test]
fn sm4_gcm_matches_rfc8998_vector() {
    let key = hex::decode("0123456789ABCDEFFEDCBA9876543210").unwrap();
    let nonce = hex::decode("00001234567800000000ABCD").unwrap();
    let aad = hex::decode("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2").unwrap();
    let plaintext = hex::decode(
        "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD\
         EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA",
    )
    .unwrap();
    let expected_ciphertext = "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735\
                               d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d";
    let expected_tag = "83de3541e4c2b58177e065a9bf7b62ec";

    let cipher = Sm4Gcm::new(GenericArray::from_slice(&key));
    let nonce = GenericArray::from_slice(&nonce);
    let sealed = cipher
        .encrypt(
            nonce,
            Payload {
                msg: &plaintext,
                aad: &aad,
            },
        )
        .unwrap();

    assert_eq!(hex::encode(&sealed[..64]), expected_ciphertext);
    assert_eq!(hex::encode(&sealed[64..]), expected_tag);
    let opened = cipher
        .decrypt(
            nonce,
            Payload {
                msg: &sealed,
                aad: &aad,
            },
        )
        .unwrap();
    assert_eq!(opened, plaintext);
}

#[test]
fn sealed_value_opens_in_python() {
    let sealed = cipher().seal(Field::Name, "张三 Zhang San").unwrap();

    let args = [
        hex::encode(ENCRYPTION_KEY),
        hex::encode(sealed.nonce),
        hex::encode(associated_data(Field::Name, "k1")),
        hex::encode(&sealed.ciphertext),
    ];
    let Some(opened) = python_check(PYTHON_OPEN, &args) else {
        return;
    };
    assert_eq!(opened, hex::encode("张三 Zhang San"));
}

#[test]
fn python_sealed_value_opens() {
    let nonce = *b"nonce-12byte";
    let args = [
        hex::encode(ENCRYPTION_KEY),
        hex::encode(nonce),
        hex::encode(associated_data(Field::Address, "k1")),
        hex::encode("北京市东城区 1 号"),
    ];
    let Some(ciphertext) = python_check(PYTHON_SEAL, &args) else {
        return;
    };

    let sealed = Sealed {
        key_id: "k1".to_string(),
        nonce,
        ciphertext: hex::decode(&ciphertext).unwrap(),
    };
    assert_eq!(
        cipher().open(Field::Address, &sealed).unwrap(),
        "北京市东城区 1 号"
    );
    let ours = cipher()
        .seal_with_nonce(Field::Address, "北京市东城区 1 号", nonce)
        .unwrap();
    assert_eq!(hex::encode(&ours.ciphertext), ciphertext);
}

#[test]
fn round_trip_each_field() {
    let cipher = cipher();
    let values = [
        (Field::Mobile, "+86 138 0013 8000"),
        (Field::IdentityNumber, "11010519491231002X"),
        (Field::Email, "Li.Si@Example.gov.cn"),
        (Field::Address, "上海市黄浦区人民大道 200 号"),
        (Field::Name, "欧阳娜娜"),
    ];

    for (field, value) in values {
        let sealed = cipher.seal(field, value).unwrap();
        let text = sealed.to_string();
        assert!(text.starts_with("v1.k1."), "{text}");
        assert!(!text.contains(value), "{text}");

        let parsed = Sealed::parse(&text).unwrap();
        assert_eq!(parsed, sealed);
        assert_eq!(cipher.open(field, &parsed).unwrap(), value, "{field}");
    }
    assert_eq!(
        cipher
            .open(Field::Name, &cipher.seal(Field::Name, "").unwrap())
            .unwrap(),
        ""
    );
}

#[test]
fn flipped_byte_fails_to_open() {
    let cipher = cipher();
    let sealed = cipher.seal(Field::Mobile, "13800138000").unwrap();

    for position in 0..sealed.ciphertext.len() {
        let mut tampered = sealed.clone();
        tampered.ciphertext[position] ^= 0x01;
        let err = cipher.open(Field::Mobile, &tampered).unwrap_err();
        assert!(
            matches!(err, CryptoError::Authentication { .. }),
            "{position}: {err}"
        );
        assert!(!err.to_string().contains("13800138000"), "{err}");
    }
    for position in 0..sealed.nonce.len() {
        let mut tampered = sealed.clone();
        tampered.nonce[position] ^= 0x80;
        let err = cipher.open(Field::Mobile, &tampered).unwrap_err();
        assert!(
            matches!(err, CryptoError::Authentication { .. }),
            "{position}: {err}"
        );
    }
}

#[test]
fn swapped_field_fails_to_open() {
    let cipher = cipher();
    let sealed = cipher
        .seal(Field::IdentityNumber, "11010519491231002X")
        .unwrap();

    for field in Field::ALL
        .into_iter()
        .filter(|f| *f != Field::IdentityNumber)
    {
        let err = cipher.open(field, &sealed).unwrap_err();
        assert!(
            matches!(err, CryptoError::Authentication { .. }),
            "{field}: {err}"
        );
        assert!(err.to_string().contains(field.code()), "{err}");
        assert!(!err.to_string().contains("11010519491231002X"), "{err}");
    }
}

#[test]
fn changed_key_id_fails_to_open() {
    let cipher = cipher().with_retired_key("k0", &ENCRYPTION_KEY).unwrap();
    let mut sealed = cipher.seal(Field::Email, "a@example.cn").unwrap();
    sealed.key_id = "k0".to_string();

    let err = cipher.open(Field::Email, &sealed).unwrap_err();
    assert!(matches!(err, CryptoError::Authentication { .. }), "{err}");
}

#[test]
fn retired_key_opens_old_values() {
    let old = SoftwareSm4::new("k0", b"old-key-16-bytes", &INDEX_KEY).unwrap();
    let old_sealed = old.seal(Field::Mobile, "13900000000").unwrap();

    let rotated = cipher()
        .with_retired_key("k0", b"old-key-16-bytes")
        .unwrap();
    assert_eq!(rotated.current_key_id(), "k1");
    assert_eq!(
        rotated.open(Field::Mobile, &old_sealed).unwrap(),
        "13900000000"
    );
    assert_eq!(
        rotated.seal(Field::Mobile, "13900000000").unwrap().key_id(),
        "k1"
    );

    let err = cipher().open(Field::Mobile, &old_sealed).unwrap_err();
    assert!(matches!(err, CryptoError::UnknownKey { .. }), "{err}");
    assert!(err.to_string().contains("\"k0\""), "{err}");

    let err = cipher()
        .with_retired_key("k1", b"old-key-16-bytes")
        .unwrap_err();
    assert!(err.to_string().contains("used twice"), "{err}");
}

#[test]
fn malformed_sealed_is_rejected() {
    let good = cipher().seal(Field::Name, "王五").unwrap().to_string();
    let parts: Vec<&str> = good.split('.').collect();
    let short_tag = format!("v1.k1.{}.AAAAAAAAAAAAAAAAAAAA", parts[2]);
    let long_nonce = format!("v1.k1.AAAAAAAAAAAAAAAAAAAA.{}", parts[3]);
    let bad_base64 = format!("v1.k1.{}.{}!", parts[2], parts[3]);
    let padded = format!("v1.k1.{}.{}==", parts[2], parts[3]);
    let cases = [
        ("", "found 1"),
        ("v1.k1.AAAA", "found 3"),
        (&format!("{good}.x"), "found 5"),
        (&good.replacen("v1", "v2", 1), "\"v2\" is not supported"),
        (&good.replacen("k1", "", 1), "key id \"\""),
        (&good.replacen("k1", "k 1", 1), "key id \"k 1\""),
        (&short_tag, "fewer than the 16-byte"),
        (&long_nonce, "nonce has 15 bytes"),
        (&bad_base64, "ciphertext is not unpadded URL-safe base64"),
        (&padded, "ciphertext is not unpadded URL-safe base64"),
    ];

    for (text, expected) in cases {
        let err = Sealed::parse(text).unwrap_err();
        assert!(matches!(err, CryptoError::Malformed(_)), "{text:?}: {err}");
        assert!(err.to_string().contains(expected), "{text:?}: {err}");
    }
    assert!(good.parse::<Sealed>().is_ok());
}

#[test]
fn nonces_are_unique() {
    let cipher = cipher();
    let mut nonces = HashSet::new();
    let mut ciphertexts = HashSet::new();

    for _ in 0..1_000 {
        let sealed = cipher.seal(Field::Mobile, "13800138000").unwrap();
        assert!(nonces.insert(sealed.nonce), "nonce repeated");
        assert!(ciphertexts.insert(sealed.ciphertext), "ciphertext repeated");
    }
}

#[test]
fn normalization_cases() {
    let cases = [
        (Field::Mobile, " 138 0013 8000 ", "13800138000"),
        (Field::Mobile, "+86 13800138000", "13800138000"),
        (Field::Mobile, "+86-138-0013-8000", "13800138000"),
        (Field::Mobile, "86 13800138000", "8613800138000"),
        (
            Field::IdentityNumber,
            "11010519491231002x",
            "11010519491231002X",
        ),
        (
            Field::IdentityNumber,
            " 110105194912310021\n",
            "110105194912310021",
        ),
        (
            Field::Email,
            " Li.Si@Example.GOV.cn ",
            "li.si@example.gov.cn",
        ),
        (Field::Address, "  北京市 东城区  ", "北京市 东城区"),
        (Field::Name, "\t张 三 ", "张 三"),
    ];

    for (field, value, expected) in cases {
        assert_eq!(
            normalize_for_index(field, value),
            expected,
            "{field} {value:?}"
        );
    }
}

#[test]
fn index_matches_equal_values() {
    let cipher = cipher();
    let spaced = cipher.index(Field::Mobile, "138 0013 8000");

    assert_eq!(spaced, cipher.index(Field::Mobile, "+86 13800138000"));
    assert_ne!(spaced, cipher.index(Field::Mobile, "13800138001"));
    assert_eq!(spaced.len(), 64);
    assert!(spaced
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));

    let per_field: HashSet<String> = Field::ALL
        .iter()
        .map(|field| cipher.index(*field, "13800138000"))
        .collect();
    assert_eq!(per_field.len(), Field::ALL.len());

    let other_key = SoftwareSm4::new("k1", &ENCRYPTION_KEY, &[7u8; 32]).unwrap();
    assert_ne!(spaced, other_key.index(Field::Mobile, "13800138000"));
}

#[test]
fn index_matches_python_hmac_sm3() {
    let cases = [
        (Field::Mobile, "+86 138 0013 8000", "13800138000"),
        (Field::Email, "Li.Si@Example.gov.cn", "li.si@example.gov.cn"),
        (Field::Name, "张三", "张三"),
    ];

    for (field, value, normalized) in cases {
        let args = [
            hex::encode(INDEX_KEY),
            field.code().to_string(),
            normalized.to_string(),
        ];
        let Some(expected) = python_check(PYTHON_INDEX, &args) else {
            return;
        };
        assert_eq!(cipher().index(field, value), expected, "{field} {value:?}");
    }
}

#[test]
fn debug_hides_keys_and_plaintext() {
    let cipher = cipher();
    let sealed = cipher.seal(Field::Name, "赵六").unwrap();

    let debug = format!("{cipher:?}");
    assert_eq!(debug, "SoftwareSm4 { key_ids: [\"k1\"], .. }");

    let debug = format!("{sealed:?}");
    assert_eq!(debug, "Sealed { key_id: \"k1\", ciphertext_bytes: 22, .. }");
}

#[test]
fn bad_key_id_is_rejected() {
    for key_id in ["", "has.dot", "has space", &"x".repeat(33)] {
        let err = SoftwareSm4::new(key_id, &ENCRYPTION_KEY, &INDEX_KEY).unwrap_err();
        assert!(matches!(err, CryptoError::Key(_)), "{key_id:?}: {err}");
    }
    assert!(SoftwareSm4::new(&"x".repeat(32), &ENCRYPTION_KEY, &INDEX_KEY).is_ok());
}

#[cfg(unix)]
#[test]
fn key_file_is_created_private_then_reused() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys").join("personal.key");

    let created = SoftwareSm4::load_or_create(&path).unwrap();
    let mode = fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    let text = fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().filter(|line| !line.starts_with('#')).collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("index ") && lines[0].len() == 6 + 64,
        "{text}"
    );
    assert!(
        lines[1].starts_with("key ") && lines[1].len() == 4 + 8 + 1 + 32,
        "{text}"
    );
    let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "temporary file left behind");

    let sealed = created.seal(Field::Mobile, "13800138000").unwrap();
    let loaded = SoftwareSm4::load_or_create(&path).unwrap();
    assert_eq!(loaded.current_key_id(), created.current_key_id());
    assert_eq!(loaded.open(Field::Mobile, &sealed).unwrap(), "13800138000");
    assert_eq!(
        loaded.index(Field::Mobile, "13800138000"),
        created.index(Field::Mobile, "13800138000")
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), text);

    let other = SoftwareSm4::load_or_create(&dir.path().join("other.key")).unwrap();
    assert_ne!(other.current_key_id(), created.current_key_id());
    assert!(other.open(Field::Mobile, &sealed).is_err());
}

#[cfg(unix)]
#[test]
fn readable_key_file_is_rejected() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("personal.key");
    SoftwareSm4::load_or_create(&path).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();

    let err = SoftwareSm4::load_or_create(&path).unwrap_err();
    assert!(matches!(err, CryptoError::Key(_)), "{err}");
    let message = err.to_string();
    assert!(message.contains("mode 0644"), "{message}");
    assert!(
        message.contains(&format!("chmod 600 {}", path.display())),
        "{message}"
    );
}

#[cfg(unix)]
#[test]
fn key_file_with_retired_key_loads() {
    use std::os::unix::fs::PermissionsExt;

    let old = SoftwareSm4::new("old", b"old-key-16-bytes", &INDEX_KEY).unwrap();
    let old_sealed = old.seal(Field::Email, "a@example.cn").unwrap();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("personal.key");
    let text = format!(
        "# comment\nindex {}\n\nkey old {}\nkey k1 {}\n",
        hex::encode(INDEX_KEY),
        hex::encode(b"old-key-16-bytes"),
        hex::encode(ENCRYPTION_KEY)
    );
    fs::write(&path, text).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();

    let loaded = SoftwareSm4::load_or_create(&path).unwrap();
    assert_eq!(loaded.current_key_id(), "k1");
    assert_eq!(
        loaded.open(Field::Email, &old_sealed).unwrap(),
        "a@example.cn"
    );
    assert_eq!(
        loaded.index(Field::Email, "a@example.cn"),
        cipher().index(Field::Email, "a@example.cn")
    );
}

#[cfg(unix)]
#[test]
fn malformed_key_file_is_kept() {
    use std::os::unix::fs::PermissionsExt;

    let index = format!("index {}", "ab".repeat(32));
    let key = format!("key k1 {}", "cd".repeat(16));
    let cases = [
        (String::new(), "no 'index <64 hex>' line"),
        (format!("{index}\n"), "no 'key <key id> <32 hex>' line"),
        (format!("{key}\n"), "no 'index <64 hex>' line"),
        (
            format!("index abcd\n{key}\n"),
            "line 1: index key is not 64 hex",
        ),
        (
            format!("{index}\nkey k1 {}\n", "zz".repeat(16)),
            "line 2: encryption key is not 32",
        ),
        (
            format!("{index}\n{index}\n{key}\n"),
            "line 2: second index line",
        ),
        (
            format!("{index}\n{key}\n{key}\n"),
            "line 3: key id \"k1\" is used twice",
        ),
        (
            format!("{index}\nkey k.1 {}\n", "cd".repeat(16)),
            "line 2: key id \"k.1\"",
        ),
        (format!("{index}\n{key} extra\n"), "line 2: expected"),
    ];

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("personal.key");
    for (contents, expected) in cases {
        fs::write(&path, &contents).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();

        let err = SoftwareSm4::load_or_create(&path).unwrap_err();
        let message = err.to_string();
        assert!(
            matches!(err, CryptoError::Key(_)),
            "{contents:?}: {message}"
        );
        assert!(message.contains(expected), "{contents:?}: {message}");
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(
            !message.contains(&"ab".repeat(32)),
            "key material in {message}"
        );
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            contents,
            "file was changed"
        );
    }
}
