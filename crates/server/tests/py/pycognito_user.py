"""A user's whole life through pycognito, the Python library apps use, on
boto3 against a `kognit dev` server: SignUp, ConfirmSignUp with the code
from kognit's developer outbox, SRP sign-in with pycognito's own SRP
(AWSSRP), token checks against the pool's JWKS, GetUser, refresh,
UpdateUserAttributes, ChangePassword, ForgotPassword and GlobalSignOut.

    python pycognito_user.py <endpoint> <poolId> <clientId>

Reports as report.py says.
"""

import sys

import requests
from pycognito import Cognito
from report import error_code, report

ENDPOINT, POOL, CLIENT = sys.argv[1:4]
USER = "quinn"
PASSWORDS = ["Corr3ct-Horse!", "N3w-Password!", "Th1rd-Password!"]


def cognito(**tokens):
    # Any credentials: `kognit dev` does not check signatures.
    return Cognito(
        POOL,
        CLIENT,
        username=USER,
        boto3_client_kwargs={
            "endpoint_url": ENDPOINT,
            "aws_access_key_id": "dev",
            "aws_secret_access_key": "dev",
        },
        **tokens,
    )


def latest_code():
    r = requests.get(
        f"{ENDPOINT}/_dev/outbox/latest",
        params={"user_pool_id": POOL, "username": USER},
        timeout=10,
    )
    r.raise_for_status()
    return r.json()["code"]


def main(run):
    run.step = "register"
    u = cognito()
    u.set_base_attributes(email=f"{USER}@example.com", name="Quinn")
    signed_up = u.register(USER, PASSWORDS[0])
    run.out["user_confirmed"] = signed_up["UserConfirmed"]
    run.out["delivery"] = signed_up["CodeDeliveryDetails"]["DeliveryMedium"]

    run.step = "confirm_sign_up"
    u.confirm_sign_up(latest_code(), username=USER)

    run.step = "authenticate"
    u = cognito()
    u.authenticate(password=PASSWORDS[0])  # USER_SRP_AUTH, tokens verified
    run.out["token_type"] = u.token_type
    run.out["id_claims"] = u.id_claims
    run.out["access_claims"] = u.access_claims

    run.step = "get_user"
    user = u.get_user()
    run.out["attributes"] = {
        "sub": user.sub,
        "email": user.email,
        "email_verified": user.email_verified,
        "name": user.name,
    }

    run.step = "renew_access_token"
    first_access = u.access_token
    u.renew_access_token()  # REFRESH_TOKEN_AUTH, tokens verified
    run.out["renewed"] = u.access_token != first_access
    run.out["check_token"] = u.check_token(renew=False)  # False: not expired

    run.step = "update_profile"
    u.update_profile({"name": "Quinn Q"})
    run.out["name_after_update"] = u.get_user().name

    run.step = "change_password"
    u.change_password(PASSWORDS[0], PASSWORDS[1])

    run.step = "forgot_password"
    f = cognito()
    f.initiate_forgot_password()
    f.confirm_forgot_password(latest_code(), PASSWORDS[2])

    run.step = "sign_in_after_reset"
    run.out["old_password"] = error_code(lambda: cognito().authenticate(password=PASSWORDS[1]))
    u = cognito()
    u.authenticate(password=PASSWORDS[2])

    run.step = "logout"
    access = u.access_token
    u.logout()  # GlobalSignOut
    stale = cognito(access_token=access)
    run.out["after_logout"] = error_code(lambda: stale.get_user())
    run.out["unknown_user"] = error_code(
        lambda: Cognito(
            POOL,
            CLIENT,
            username="nobody",
            boto3_client_kwargs={
                "endpoint_url": ENDPOINT,
                "aws_access_key_id": "dev",
                "aws_secret_access_key": "dev",
            },
        ).authenticate(password=PASSWORDS[0])
    )


report(main)
