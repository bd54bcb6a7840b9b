"""Administration through boto3 (the library under the aws CLI) against a
`kognit serve` server, which checks botocore's SigV4 signatures: a pool,
AdminCreateUser, AdminGetUser, ListUsers with a filter and pages,
AdminUpdateUserAttributes, AdminDeleteUser, Cognito's errors as botocore's
modeled exceptions, and a request signed with a wrong secret.

    python boto3_admin.py <endpoint> <accessKeyId> <secretAccessKey>

Reports as report.py says.
"""

import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from report import error_code, report

ENDPOINT, KEY_ID, SECRET = sys.argv[1:4]


def client(secret):
    return boto3.client(
        "cognito-idp",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1}),
    )


def main(run):
    c = client(SECRET)

    run.step = "create_user_pool"
    pool = c.create_user_pool(
        PoolName="boto3",
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
    )["UserPool"]
    pool_id = pool["Id"]
    run.out["pool_id"] = pool_id
    run.out["creation_date_type"] = type(pool["CreationDate"]).__name__

    run.step = "admin_create_user"
    subs = {}
    for i in range(5):
        created = c.admin_create_user(
            UserPoolId=pool_id,
            Username=f"user{i}@example.com",
            UserAttributes=[
                {"Name": "email", "Value": f"user{i}@example.com"},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "name", "Value": f"User {i}"},
            ],
            TemporaryPassword="Temp-Passw0rd!",
            MessageAction="SUPPRESS",
        )["User"]
        subs[created["Username"]] = created["Attributes"]
    run.out["create_status"] = created["UserStatus"]
    run.out["username_is_sub"] = all(
        any(a["Name"] == "sub" and a["Value"] == name for a in attrs)
        for name, attrs in subs.items()
    )

    run.step = "username_exists"
    run.out["duplicate"] = error_code(
        lambda: c.admin_create_user(
            UserPoolId=pool_id, Username="user0@example.com", MessageAction="SUPPRESS"
        ),
        c.exceptions.UsernameExistsException,
    )

    run.step = "admin_get_user"
    got = c.admin_get_user(UserPoolId=pool_id, Username="user3@example.com")
    run.out["get_enabled"] = got["Enabled"]
    run.out["get_status"] = got["UserStatus"]
    run.out["get_modified_type"] = type(got["UserLastModifiedDate"]).__name__

    run.step = "list_users"
    page = c.list_users(UserPoolId=pool_id, Filter='name ^= "User"', Limit=2)
    names = [u["Username"] for u in page["Users"]]
    pages = 1
    while "PaginationToken" in page:
        page = c.list_users(
            UserPoolId=pool_id,
            Filter='name ^= "User"',
            Limit=2,
            PaginationToken=page["PaginationToken"],
        )
        names += [u["Username"] for u in page["Users"]]
        pages += 1
    run.out["listed"] = len(names)
    run.out["listed_distinct"] = len(set(names))
    run.out["pages"] = pages
    exact = c.list_users(
        UserPoolId=pool_id,
        Filter='email = "user2@example.com"',
        AttributesToGet=["email"],
    )["Users"]
    run.out["exact"] = [[a["Name"] for a in u["Attributes"]] for u in exact]

    run.step = "paginator"
    paginator = c.get_paginator("list_users")
    run.out["paginated"] = sum(
        len(p["Users"]) for p in paginator.paginate(UserPoolId=pool_id, PaginationConfig={"PageSize": 2})
    )

    run.step = "admin_update_user_attributes"
    c.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="user1@example.com",
        UserAttributes=[{"Name": "name", "Value": "Renamed"}],
    )
    attrs = c.admin_get_user(UserPoolId=pool_id, Username="user1@example.com")["UserAttributes"]
    run.out["renamed"] = {a["Name"]: a["Value"] for a in attrs}.get("name")

    run.step = "invalid_parameter"
    run.out["bad_filter"] = error_code(
        lambda: c.list_users(UserPoolId=pool_id, Filter='nickname = "x"'),
        c.exceptions.InvalidParameterException,
    )

    run.step = "admin_delete_user"
    c.admin_delete_user(UserPoolId=pool_id, Username="user4@example.com")
    run.out["deleted"] = error_code(
        lambda: c.admin_get_user(UserPoolId=pool_id, Username="user4@example.com"),
        c.exceptions.UserNotFoundException,
    )

    run.step = "wrong_secret"
    try:
        client("not-the-secret").list_users(UserPoolId=pool_id)
        run.out["wrong_secret"] = None
    except ClientError as e:
        run.out["wrong_secret"] = e.response["Error"]["Code"]
        run.out["wrong_secret_status"] = e.response["ResponseMetadata"]["HTTPStatusCode"]


report(main)
