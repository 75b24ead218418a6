//! `jiyue oidc-client`: relying parties of the platform's OpenID Connect provider that are not
//! hosted sites, such as a provincial service hall or a mobile app. A confidential client gets
//! a generated secret, printed once, and only its Argon2id hash is stored. Every change is written
//! to the audit log with actor `cli` and address `local`.

use anyhow::{bail, Context};
use clap::Subcommand;
use jiyue_auth::ChainMac;
use jiyue_db::{AuditEntry, AuditResult, Db, OidcClient};

/// Prefix of the client ids the platform gives its hosted sites.
const RESERVED_PREFIX: &str = "site-";

/// Maximum length of a client id, in bytes.
const MAX_ID_BYTES: usize = 64;

/// Maximum length of a client name, in characters.
const MAX_NAME_CHARS: usize = 100;

/// The subcommands of `jiyue oidc-client`.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum OidcClientCommand {
    /// Register a client, or replace the settings of an existing one with a new secret. The
    /// client secret is printed once
    Add {
        /// Client id: 2 to 64 letters, digits, dots, underscores or hyphens, not starting with
        /// `site-` (reserved for hosted sites)
        #[arg(long)]
        id: String,
        /// Name of the client, for operators
        #[arg(long)]
        name: String,
        /// Redirect URI the provider may send codes to: https, or http on localhost. Repeat
        /// the flag for several
        #[arg(long = "redirect-uri", required = true)]
        redirect_uris: Vec<String>,
        /// Address the provider may send the citizen to after sign-out. Repeat the flag for
        /// several
        #[arg(long = "post-logout-uri")]
        post_logout_uris: Vec<String>,
        /// A public client (an app that cannot keep a secret): no secret, PKCE only
        #[arg(long)]
        public: bool,
    },
    /// List every registered client
    List,
    /// Disable a client: its authorization and token requests are rejected at once, and access
    /// tokens it already has work until they expire
    Disable {
        /// The client id
        id: String,
    },
}

/// Runs one `jiyue oidc-client` subcommand; `key` chains the audit entries.
pub async fn run(db: &Db, key: &dyn ChainMac, command: OidcClientCommand) -> anyhow::Result<()> {
    match command {
        OidcClientCommand::Add {
            id,
            name,
            redirect_uris,
            post_logout_uris,
            public,
        } => {
            let request = AddRequest {
                id,
                name,
                redirect_uris,
                post_logout_uris,
                public,
            };
            add(db, key, request).await
        }
        OidcClientCommand::List => list(db).await,
        OidcClientCommand::Disable { id } => disable(db, key, &id).await,
    }
}

struct AddRequest {
    id: String,
    name: String,
    redirect_uris: Vec<String>,
    post_logout_uris: Vec<String>,
    public: bool,
}

/// Checks a client id: the characters, the length and the reserved prefix.
pub fn check_client_id(id: &str) -> anyhow::Result<()> {
    if id.starts_with(RESERVED_PREFIX) {
        bail!(
            "invalid client id \"{id}\": ids starting with \"{RESERVED_PREFIX}\" are reserved \
             for hosted sites; choose another --id"
        );
    }
    let valid_chars = id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !(2..=MAX_ID_BYTES).contains(&id.len()) || !valid_chars {
        bail!(
            "invalid client id \"{id}\": use 2 to {MAX_ID_BYTES} letters, digits, dots, \
             underscores or hyphens"
        );
    }
    Ok(())
}

fn check_uris(flag: &str, uris: &[String]) -> anyhow::Result<()> {
    for uri in uris {
        jiyue_auth::oidc::validate_redirect_uri(uri).map_err(|error| {
            anyhow::anyhow!(
                "invalid {flag} \"{uri}\": {error}; use an absolute https URL (http only on \
                 localhost) without a fragment"
            )
        })?;
    }
    Ok(())
}

async fn add(db: &Db, key: &dyn ChainMac, request: AddRequest) -> anyhow::Result<()> {
    check_client_id(&request.id)?;
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        bail!("invalid client name \"{name}\": give 1 to {MAX_NAME_CHARS} characters with --name");
    }
    check_uris("--redirect-uri", &request.redirect_uris)?;
    check_uris("--post-logout-uri", &request.post_logout_uris)?;

    let secret = (!request.public).then(jiyue_auth::new_token);
    let secret_hash = match &secret {
        Some(secret) => {
            Some(jiyue_auth::hash_password(secret).context("hashing the client secret failed")?)
        }
        None => None,
    };
    let existing = db.oidc_client(&request.id).await?;
    if existing
        .as_ref()
        .is_some_and(|client| client.secret_hash.is_some())
        && request.public
    {
        bail!(
            "client \"{}\" is confidential and keeps its secret when saved as --public; \
             register the public client under another --id",
            request.id
        );
    }
    let client = OidcClient {
        client_id: request.id.clone(),
        name: name.to_string(),
        secret_hash,
        redirect_uris: request.redirect_uris,
        post_logout_uris: request.post_logout_uris,
        disabled: false,
    };
    db.save_oidc_client(&client)
        .await
        .with_context(|| format!("saving client \"{}\" failed", request.id))?;
    let action = if existing.is_some() {
        "oidc_client.update"
    } else {
        "oidc_client.add"
    };
    audit(
        db,
        key,
        action,
        &request.id,
        &client.redirect_uris.join(" "),
    )
    .await?;

    println!("client:        {}", client.client_id);
    println!("redirect URIs: {}", client.redirect_uris.join(" "));
    match secret {
        Some(secret) => {
            println!("client secret: {secret}");
            println!("The secret is shown only now; store it in the client's configuration.");
        }
        None => println!("public client: no secret, the client must use PKCE (S256)"),
    }
    Ok(())
}

/// Prints every registered client.
async fn list(db: &Db) -> anyhow::Result<()> {
    let clients = db
        .oidc_clients()
        .await
        .context("reading the registered clients failed")?;
    println!("client id  kind  state  name  redirect URIs");
    for client in clients {
        let kind = if client.secret_hash.is_some() {
            "confidential"
        } else {
            "public"
        };
        let state = if client.disabled {
            "disabled"
        } else {
            "enabled"
        };
        println!(
            "{}  {kind}  {state}  {}  {}",
            client.client_id,
            client.name,
            client.redirect_uris.join(" ")
        );
    }
    Ok(())
}

async fn disable(db: &Db, key: &dyn ChainMac, id: &str) -> anyhow::Result<()> {
    if id.starts_with(RESERVED_PREFIX) {
        bail!(
            "cannot disable \"{id}\": it is a hosted site's client; close the site in the admin \
             interface instead"
        );
    }
    let Some(mut client) = db.oidc_client(id).await? else {
        bail!("no client has the id \"{id}\"; check the id with `jiyue oidc-client list`");
    };
    if client.disabled {
        println!("client {id} was already disabled");
        return Ok(());
    }
    client.disabled = true;
    // `None` keeps the stored secret hash, so re-enabling needs no new secret.
    client.secret_hash = None;
    db.save_oidc_client(&client)
        .await
        .with_context(|| format!("disabling client \"{id}\" failed"))?;
    audit(db, key, "oidc_client.disable", id, "").await?;
    println!("client {id} disabled");
    Ok(())
}

async fn audit(
    db: &Db,
    key: &dyn ChainMac,
    action: &str,
    target: &str,
    detail: &str,
) -> anyhow::Result<()> {
    let entry = AuditEntry {
        actor: "cli".to_string(),
        actor_id: None,
        address: "local".to_string(),
        action: action.to_string(),
        target: target.chars().take(64).collect(),
        result: AuditResult::Ok,
        detail: detail.chars().take(500).collect(),
    };
    db.audit_append(key, &entry)
        .await
        .context("writing the audit log failed")?;
    Ok(())
}
