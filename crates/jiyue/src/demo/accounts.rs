//! Staff accounts of the demo province, so a new user can try the admin interface: an editor,
//! a message handler and two reviewers of the provincial government, a site administrator of the portal, and
//! the three separated administrators. Each gets a random password that meets the policy,
//! written once to `demo-accounts.txt` in the data folder (readable by its owner only); the
//! database keeps only the Argon2id hash. The second factor is enrolled at first sign-in.

use std::path::{Path, PathBuf};

use anyhow::Context;
use jiyue_auth::{hash_password, new_token, Role};
use jiyue_db::{Db, GrantRef, NewStaff};

/// The name of the file that lists the demo accounts and their passwords.
pub const ACCOUNTS_FILE: &str = "demo-accounts.txt";

struct DemoAccount {
    username: &'static str,
    display_name: &'static str,
    role: Role,
    /// Granted on the provincial government's organization subtree.
    on_province: bool,
    /// Granted on the provincial portal; with neither flag, on the platform.
    on_portal: bool,
}

const ACCOUNTS: [DemoAccount; 8] = [
    account("editor", "示例编辑", Role::Editor, true, false),
    account(
        "handler",
        "示例留言办理员",
        Role::MessageHandler,
        true,
        false,
    ),
    account("reviewer", "示例审核员", Role::Reviewer, true, false),
    account("reviewer2", "示例二级审核员", Role::Reviewer, true, false),
    account("siteadmin", "示例站点管理员", Role::SiteAdmin, false, true),
    account(
        "sysadmin",
        "示例系统管理员",
        Role::SystemAdmin,
        false,
        false,
    ),
    account(
        "secadmin",
        "示例安全管理员",
        Role::SecurityAdmin,
        false,
        false,
    ),
    account("auditor", "示例审计管理员", Role::AuditAdmin, false, false),
];

const fn account(
    username: &'static str,
    display_name: &'static str,
    role: Role,
    on_province: bool,
    on_portal: bool,
) -> DemoAccount {
    DemoAccount {
        username,
        display_name,
        role,
        on_province,
        on_portal,
    }
}

/// Creates the demo accounts that do not exist yet and appends their passwords to the
/// accounts file. Returns the file's path when it exists.
pub async fn ensure_accounts(db: &Db, data_dir: &Path) -> anyhow::Result<Option<PathBuf>> {
    let province = db
        .org_by_credit_code("11220000000000019E")
        .await?
        .context("the demo province organization is missing; build the demo first")?;
    let portal = db
        .site_by_code("2200000001")
        .await?
        .context("the demo portal is missing; build the demo first")?;
    let path = data_dir.join(ACCOUNTS_FILE);
    let mut created = Vec::new();
    for account in &ACCOUNTS {
        if db.staff_by_username(account.username).await?.is_some() {
            continue;
        }
        let password = demo_password();
        let id = db
            .create_staff(&NewStaff {
                username: account.username.to_string(),
                display_name: account.display_name.to_string(),
                org_id: (!account.role.is_separated_admin()).then_some(province.id),
                password_hash: hash_password(&password)?,
            })
            .await?;
        let scope = if account.on_province {
            GrantRef::Org(province.id)
        } else if account.on_portal {
            GrantRef::Site(portal.id)
        } else {
            GrantRef::Platform
        };
        db.add_grant(id, account.role, scope, None).await?;
        created.push(format!(
            "{:<10} {:<24} {}",
            account.username,
            password,
            account.role.as_str()
        ));
    }
    if !created.is_empty() {
        append_accounts(&path, &created)?;
    }
    Ok(path.exists().then_some(path))
}

/// Returns a random password of 20 characters with all four character classes.
fn demo_password() -> String {
    let token: String = new_token()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(16)
        .collect();
    format!("Jy{token}-7")
}

fn append_accounts(path: &Path, lines: &[String]) -> anyhow::Result<()> {
    use std::io::Write;
    let fresh = !path.exists();
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write the demo accounts to {}", path.display()))?;
    if fresh {
        writeln!(
            file,
            "# Demo staff accounts of the admin listener. The second factor (TOTP) is set up at\n\
             # first sign-in. Demo data only: never use these accounts on a real platform.\n\
             # user       password                 role"
        )?;
    }
    for line in lines {
        writeln!(file, "{line}")?;
    }
    Ok(())
}
