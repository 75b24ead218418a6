//! Copies the rich-text editor's browser bundle (Quill, installed by npm from the workspace's
//! committed `package.json` and `package-lock.json`) into `OUT_DIR`, so the admin listener
//! serves it from bytes compiled into the binary. When the bundle is missing, it runs
//! `npm ci` in the workspace root first. Without npm the build stops with the command that fixes it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Bundle files as (path under `node_modules`, name in `OUT_DIR`).
const BUNDLE: &[(&str, &str)] = &[
    ("quill/dist/quill.js", "quill.js"),
    ("quill/dist/quill.snow.css", "quill.css"),
];

/// The licence header that `quill.js` points to instead of carrying it.
const LICENSE_HEADER: &str = "quill/dist/quill.js.LICENSE.txt";

fn main() {
    if let Err(message) = run() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?;
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let root = Path::new(&manifest)
        .ancestors()
        .nth(2)
        .ok_or("crates/jiyue-web has no workspace folder two levels up")?
        .to_path_buf();
    let modules = root.join("node_modules");

    println!(
        "cargo:rerun-if-changed={}",
        root.join("package-lock.json").display()
    );
    for (source, _) in BUNDLE {
        println!("cargo:rerun-if-changed={}", modules.join(source).display());
    }

    if BUNDLE
        .iter()
        .any(|(source, _)| !modules.join(source).is_file())
    {
        npm_ci(&root)?;
    }
    for (source, name) in BUNDLE {
        let text = read(&modules.join(source))?;
        let text = if *name == "quill.js" {
            format!(
                "{}\n{}",
                read(&modules.join(LICENSE_HEADER))?,
                strip_source_map(&text)
            )
        } else {
            strip_source_map(&text)
        };
        let target = out_dir.join(name);
        std::fs::write(&target, text)
            .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    }
    Ok(())
}

/// Runs `npm ci` in the workspace root, which installs exactly what the lockfile names.
fn npm_ci(root: &Path) -> Result<(), String> {
    let fix = format!(
        "the editor bundle (node_modules/quill) is missing and npm could not install it; \
         install Node.js and npm, then run npm ci in {}",
        root.display()
    );
    let status = Command::new("npm")
        .arg("ci")
        .arg("--no-audit")
        .arg("--no-fund")
        .current_dir(root)
        // Cargo reads a build script's standard output as instructions, so npm writes to
        // standard error.
        .stdout(std::io::stderr())
        .status()
        .map_err(|e| format!("{fix} (starting npm failed: {e})"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{fix} (npm ci exited with {status})"))
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| {
        format!(
            "cannot read {}: {e}; run npm ci in the workspace root",
            path.display()
        )
    })
}

/// Drops the source-map comment, whose map file is not served.
fn strip_source_map(text: &str) -> String {
    text.lines()
        .filter(|line| {
            !line.starts_with("//# sourceMappingURL=") && !line.starts_with("/*# sourceMappingURL=")
        })
        .collect::<Vec<_>>()
        .join("\n")
}
