"""A relying party built on Authlib 1.9 and joserfc, run against the platform's OpenID Connect
provider by the citizen_oidc tests.

Usage: authlib_flow.py < settings.json

The settings name the issuer, a confidential client (id, secret, redirect URI, post-logout
URI), the value of the citizen's identity-host session cookie `jiyue_id`, and `now`, the
server's injected time in Unix seconds. The server runs on a fixed clock, so token times are
checked against `now` rather than against this machine's clock.

The script plays both parts: Authlib is the relying party, and plain `requests` with the
session cookie is the citizen's browser, which follows /authorize to the redirect URI. It
raises on the first check that fails and prints one JSON object of observations on success.
Every `*.localhost` name resolves to 127.0.0.1 inside this process.
"""

import json
import socket
import sys

try:
    import requests
    from authlib.common.security import generate_token
    from authlib.integrations.requests_client import OAuth2Session
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import ECKey, KeySet
except ImportError as error:
    print(
        f"{error}: install authlib, joserfc and requests for {sys.executable}, then set "
        "JIYUE_TEST_PYTHON to that interpreter",
        file=sys.stderr,
    )
    sys.exit(3)

_real_getaddrinfo = socket.getaddrinfo


def _loopback_getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if isinstance(name, str) and (name == "localhost" or name.endswith(".localhost")):
        host = "127.0.0.1"
    return _real_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _loopback_getaddrinfo


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def check_id_token(settings, keys, id_token, nonce):
    """Verify an ID token's signature against the key set and its iss, aud, exp and nonce."""
    token = jwt.decode(id_token, keys, algorithms=["ES256"])
    options = {
        "iss": {"essential": True, "value": settings["issuer"]},
        "aud": {"essential": True, "value": settings["client_id"]},
        "exp": {"essential": True},
        "sub": {"essential": True},
    }
    if nonce is not None:
        options["nonce"] = {"essential": True, "value": nonce}
    jwt.JWTClaimsRegistry(now=settings["now"], leeway=60, **options).validate(token.claims)
    return token


def forged_token_is_rejected(settings, keys, genuine):
    """Sign the genuine claims with another key under the genuine key id, which must fail."""
    other = ECKey.generate_key("P-256")
    header = {"alg": "ES256", "kid": genuine.header["kid"]}
    forged = jwt.encode(header, genuine.claims, other, algorithms=["ES256"])
    try:
        jwt.decode(forged, keys, algorithms=["ES256"])
    except JoseError as error:
        return type(error).__name__
    raise AssertionError("a token signed by another key passed joserfc validation")


def main():
    settings = json.load(sys.stdin)
    issuer = settings["issuer"]
    browser_cookies = {"jiyue_id": settings["cookie"]}
    observed = {}

    discovery = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
    expect(discovery["issuer"] == issuer, f"discovery names issuer {discovery['issuer']}")
    expect("S256" in discovery["code_challenge_methods_supported"], "S256 is not announced")
    keys = KeySet.import_key_set(requests.get(discovery["jwks_uri"], timeout=10).json())

    session = OAuth2Session(
        settings["client_id"],
        settings["client_secret"],
        scope="openid profile phone offline_access",
        redirect_uri=settings["redirect_uri"],
        code_challenge_method="S256",
    )
    verifier = generate_token(48)
    nonce = generate_token(20)
    url, state = session.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )

    # The browser part: the identity-host cookie signs the citizen in, so /authorize responds
    # with a redirect to the client at once.
    answer = requests.get(url, cookies=browser_cookies, allow_redirects=False, timeout=10)
    expect(answer.status_code in (302, 303), f"/authorize answered {answer.status_code}")
    location = answer.headers["Location"]
    expect(location.startswith(settings["redirect_uri"] + "?"), f"redirected to {location}")
    observed["authorize_location"] = location

    tokens = session.fetch_token(
        discovery["token_endpoint"], authorization_response=location, code_verifier=verifier
    )
    expect("refresh_token" in tokens, "offline_access gave no refresh token")
    first = check_id_token(settings, keys, tokens["id_token"], nonce)
    observed["sub"] = first.claims["sub"]
    observed["name"] = first.claims.get("name")
    observed["id_token_kid"] = first.header["kid"]
    observed["forged_error"] = forged_token_is_rejected(settings, keys, first)

    userinfo = session.get(discovery["userinfo_endpoint"], timeout=10).json()
    expect(userinfo["sub"] == first.claims["sub"], "userinfo names another subject")
    observed["userinfo"] = userinfo

    old_refresh = tokens["refresh_token"]
    refreshed = session.refresh_token(discovery["token_endpoint"])
    expect(refreshed["refresh_token"] != old_refresh, "the refresh token was not rotated")
    second = check_id_token(settings, keys, refreshed["id_token"], None)
    expect(second.claims["sub"] == first.claims["sub"], "the refreshed ID token changed sub")
    expect("nonce" not in second.claims, "the refreshed ID token repeats the nonce")
    observed["refreshed_sid_matches"] = second.claims.get("sid") == first.claims.get("sid")

    session.revoke_token(
        discovery["revocation_endpoint"],
        token=refreshed["access_token"],
        token_type_hint="access_token",
    )
    after_revoke = requests.get(
        discovery["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {refreshed['access_token']}"},
        timeout=10,
    )
    observed["userinfo_after_revoke"] = after_revoke.status_code

    logout = requests.get(
        discovery["end_session_endpoint"],
        params={
            "id_token_hint": refreshed["id_token"],
            "post_logout_redirect_uri": settings["post_logout_uri"],
            "state": "bye",
        },
        cookies=browser_cookies,
        allow_redirects=False,
        timeout=10,
    )
    observed["logout_status"] = logout.status_code
    observed["logout_location"] = logout.headers.get("Location", "")

    after_logout = requests.post(
        discovery["token_endpoint"],
        data={"grant_type": "refresh_token", "refresh_token": refreshed["refresh_token"]},
        auth=(settings["client_id"], settings["client_secret"]),
        timeout=10,
    )
    observed["refresh_after_logout"] = [after_logout.status_code, after_logout.json()]

    account = requests.get(
        f"{issuer}/", cookies=browser_cookies, allow_redirects=False, timeout=10
    )
    observed["account_after_logout"] = [account.status_code, account.headers.get("Location")]

    print(json.dumps(observed))


main()
