//! `jiyue user`: staff accounts from the command line. At installation it creates the first
//! system, security and audit administrators, who then manage everyone else in the admin
//! interface. Every change is written to the audit log with actor `cli` and address `local`.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{bail, Context};
use clap::Subcommand;
use jiyue_auth::{check_grant, hash_password, ChainMac, Grant, GrantScope, PasswordPolicy, Role};
use jiyue_db::{AuditEntry, AuditResult, Db, GrantRef, NewStaff, Staff};

/// Environment variable that carries the password of a new account.
pub const PASSWORD_VARIABLE: &str = "JIYUE_NEW_PASSWORD";

/// The subcommands of `jiyue user`.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum UserCommand {
    /// Create an account with one role. The password is read from JIYUE_NEW_PASSWORD or, when
    /// it is unset, from one line of standard input
    Add {
        /// Sign-in name: 2 to 64 letters, digits, dots, underscores or hyphens
        #[arg(long)]
        username: String,
        /// Role: system_admin, security_admin, audit_admin, site_admin, editor, reviewer or
        /// message_handler
        #[arg(long)]
        role: String,
        /// Scope of the role: platform, org:<credit code>, site:<site code> or
        /// column:<site code>/<column path>
        #[arg(long, default_value = "platform")]
        scope: String,
        /// Name shown in the admin interface [default: the user name]
        #[arg(long)]
        display_name: Option<String>,
        /// Unified social credit code of the person's organization
        #[arg(long)]
        org: Option<String>,
    },
    /// List every account with its roles
    List,
    /// Grant a role to an account
    Grant {
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: String,
        /// platform, org:<credit code>, site:<site code> or column:<site code>/<column path>
        #[arg(long)]
        scope: String,
    },
    /// Disable an account and end its sessions
    Disable {
        #[arg(long)]
        username: String,
    },
    /// Set the e-mail address alert mail goes to, or clear it with --clear
    SetEmail {
        #[arg(long)]
        username: String,
        /// The work address, such as wangwei@jl.gov.cn
        #[arg(long, required_unless_present = "clear")]
        email: Option<String>,
        /// Remove the address
        #[arg(long, conflicts_with = "email")]
        clear: bool,
    },
}

/// Runs one `jiyue user` subcommand; `policy` checks new passwords and `key` chains the audit
/// entries.
pub async fn run(
    db: &Db,
    key: &dyn ChainMac,
    policy: &PasswordPolicy,
    command: UserCommand,
) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            username,
            role,
            scope,
            display_name,
            org,
        } => {
            let request = AddRequest {
                username,
                role,
                scope,
                display_name,
                org,
            };
            add(db, key, policy, request).await
        }
        UserCommand::List => list(db).await,
        UserCommand::Grant {
            username,
            role,
            scope,
        } => grant(db, key, &username, &role, &scope).await,
        UserCommand::Disable { username } => disable(db, key, &username).await,
        UserCommand::SetEmail {
            username, email, ..
        } => set_email(db, key, &username, email.as_deref()).await,
    }
}

struct AddRequest {
    username: String,
    role: String,
    scope: String,
    display_name: Option<String>,
    org: Option<String>,
}

async fn add(
    db: &Db,
    key: &dyn ChainMac,
    policy: &PasswordPolicy,
    request: AddRequest,
) -> anyhow::Result<()> {
    let role = parse_role(&request.role)?;
    let (scope_ref, scope) = resolve_scope(db, &request.scope).await?;
    check_grant(&[], &Grant { role, scope }).map_err(|error| anyhow::anyhow!("{error}"))?;
    let org_id = match &request.org {
        Some(code) => Some(
            db.org_by_credit_code(code)
                .await?
                .with_context(|| {
                    format!("no organization has the credit code \"{code}\"; check --org")
                })?
                .id,
        ),
        None => None,
    };

    let username = jiyue_db::normalize_username(&request.username);
    jiyue_db::check_username(&username)?;
    let password = new_password(&username)?;
    policy
        .check(&password, &username)
        .map_err(|error| anyhow::anyhow!("the password was rejected: {error}"))?;
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .context("password hashing stopped")??;

    let new = NewStaff {
        display_name: request.display_name.unwrap_or_else(|| username.clone()),
        username: username.clone(),
        org_id,
        password_hash: hash,
    };
    let id = db.create_staff(&new).await?;
    db.add_grant(id, role, scope_ref, None).await?;
    let detail = format!("id {id}; role={} scope={}", role.as_str(), request.scope);
    audit(db, key, "user.add", &username, AuditResult::Ok, &detail).await?;
    println!(
        "created account {id} ({username}) as {} with scope {}",
        role.as_str(),
        request.scope
    );
    println!("the second factor (TOTP) is enrolled at the first sign-in to the admin interface");
    Ok(())
}

/// Reads the new password from `JIYUE_NEW_PASSWORD`, or else one line of standard input.
fn new_password(username: &str) -> anyhow::Result<String> {
    if let Ok(password) = std::env::var(PASSWORD_VARIABLE) {
        return Ok(password);
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("password for {username} (shown as you type; or set {PASSWORD_VARIABLE}): ");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input failed")?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        bail!("no password given: set {PASSWORD_VARIABLE} or write the password as one line on standard input");
    }
    Ok(password)
}

fn parse_role(text: &str) -> anyhow::Result<Role> {
    Role::parse(text.trim()).with_context(|| {
        let names: Vec<&str> = Role::ALL.iter().map(Role::as_str).collect();
        format!("unknown role \"{text}\"; use one of {}", names.join(", "))
    })
}

/// Resolves `platform`, `org:<credit code>`, `site:<site code>` or
/// `column:<site code>/<path>` to the stored scope and the scope the grant rules compare.
async fn resolve_scope(db: &Db, text: &str) -> anyhow::Result<(GrantRef, GrantScope)> {
    let text = text.trim();
    if text == "platform" {
        return Ok((GrantRef::Platform, GrantScope::Platform));
    }
    let usage = "use platform, org:<credit code>, site:<site code> or column:<site code>/<path>";
    let Some((kind, value)) = text.split_once(':') else {
        bail!("invalid scope \"{text}\": {usage}");
    };
    match kind {
        "org" => {
            let org = db
                .org_by_credit_code(value)
                .await?
                .with_context(|| format!("no organization has the credit code \"{value}\""))?;
            Ok((
                GrantRef::Org(org.id),
                GrantScope::Org {
                    id: org.id,
                    path: org.path,
                },
            ))
        }
        "site" => {
            let site = db
                .site_by_code(value)
                .await?
                .with_context(|| format!("no site has the code \"{value}\""))?;
            Ok((GrantRef::Site(site.id), GrantScope::Site { id: site.id }))
        }
        "column" => {
            let (site_code, path) = value
                .split_once('/')
                .with_context(|| format!("invalid scope \"{text}\": {usage}"))?;
            let site = db
                .site_by_code(site_code)
                .await?
                .with_context(|| format!("no site has the code \"{site_code}\""))?;
            let column = db
                .column_by_path(site.id, path.trim_matches('/'))
                .await?
                .with_context(|| format!("site {site_code} has no column \"{path}\""))?;
            let scope = GrantScope::Column {
                id: column.id,
                site_id: site.id,
                path: column.path,
            };
            Ok((GrantRef::Column(column.id), scope))
        }
        _ => bail!("invalid scope \"{text}\": {usage}"),
    }
}

async fn list(db: &Db) -> anyhow::Result<()> {
    let accounts = db.list_staff().await?;
    if accounts.is_empty() {
        println!("no accounts yet; create the first with `jiyue user add`");
    }
    for staff in accounts {
        let grants = db.staff_grants(staff.id).await?;
        let roles: Vec<String> = grants
            .iter()
            .map(|grant| match grant.scope {
                GrantRef::Platform => format!("{}@platform", grant.role.as_str()),
                _ => format!("{}@{}", grant.role.as_str(), grant.scope_name),
            })
            .collect();
        let status = if staff.disabled { "disabled" } else { "active" };
        let factor = match staff.factor.as_ref().filter(|f| !f.secret.is_empty()) {
            Some(_) => "factor enrolled",
            None => "factor not enrolled",
        };
        println!(
            "{}\t{}\t{}\t{status}\t{factor}\t{}",
            staff.id,
            staff.username,
            staff.display_name,
            roles.join(", ")
        );
    }
    Ok(())
}

async fn find(db: &Db, username: &str) -> anyhow::Result<Staff> {
    db.staff_by_username(username).await?.with_context(|| {
        format!("no account has the user name \"{username}\"; see `jiyue user list`")
    })
}

async fn grant(
    db: &Db,
    key: &dyn ChainMac,
    username: &str,
    role: &str,
    scope: &str,
) -> anyhow::Result<()> {
    let staff = find(db, username).await?;
    let role = parse_role(role)?;
    let (scope_ref, _) = resolve_scope(db, scope).await?;
    let detail = format!("role={} scope={scope}", role.as_str());
    if let Err(error) = db.add_grant(staff.id, role, scope_ref, None).await {
        audit(
            db,
            key,
            "user.grant",
            &staff.username,
            AuditResult::Denied,
            &detail,
        )
        .await?;
        return Err(error.into());
    }
    audit(
        db,
        key,
        "user.grant",
        &staff.username,
        AuditResult::Ok,
        &detail,
    )
    .await?;
    println!(
        "granted {} with scope {scope} to {}",
        role.as_str(),
        staff.username
    );
    Ok(())
}

async fn disable(db: &Db, key: &dyn ChainMac, username: &str) -> anyhow::Result<()> {
    let staff = find(db, username).await?;
    db.set_staff_disabled(staff.id, true).await?;
    audit(
        db,
        key,
        "user.disable",
        &staff.username,
        AuditResult::Ok,
        "",
    )
    .await?;
    println!("disabled {} and ended its sessions", staff.username);
    Ok(())
}

async fn set_email(
    db: &Db,
    key: &dyn ChainMac,
    username: &str,
    email: Option<&str>,
) -> anyhow::Result<()> {
    let staff = find(db, username).await?;
    db.set_staff_email(staff.id, email)
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    // The address itself stays out of the audit log, which keeps no personal data.
    let detail = if email.is_some() { "set" } else { "cleared" };
    audit(
        db,
        key,
        "user.email",
        &staff.username,
        AuditResult::Ok,
        detail,
    )
    .await?;
    match email {
        Some(_) => println!(
            "alert mail for {} now goes to the address given",
            staff.username
        ),
        None => println!("{} receives no alert mail now", staff.username),
    }
    Ok(())
}

async fn audit(
    db: &Db,
    key: &dyn ChainMac,
    action: &str,
    target: &str,
    result: AuditResult,
    detail: &str,
) -> anyhow::Result<()> {
    let entry = AuditEntry {
        actor: "cli".to_string(),
        actor_id: None,
        address: "local".to_string(),
        action: action.to_string(),
        target: target.chars().take(64).collect(),
        result,
        detail: detail.to_string(),
    };
    db.audit_append(key, &entry)
        .await
        .context("writing the audit log failed")?;
    Ok(())
}
