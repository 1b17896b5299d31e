"""Put the web app's build on its hosting stack (web/hosting.yaml), configured for the API stack.

    .venv/bin/python web/deploy.py --api-stack trellis-dev --web-stack trellis-web-dev

Reads both stacks' outputs, writes config.json (Cognito hosted login, the API's URL), uploads
web/dist with the right Cache-Control (hashed assets immutable; index.html and config.json
no-cache) and invalidates what is not hashed. Run `make web` first.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import time
from pathlib import Path
from typing import Any

import boto3

DIST = Path(__file__).resolve().parent / "dist"
NOT_HASHED = ["/index.html", "/config.json", "/"]


def outputs(cloudformation: Any, stack: str) -> dict[str, str]:
    described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in described.get("Outputs", [])}


def config_for(api: dict[str, str], web: dict[str, str]) -> dict[str, str]:
    return {
        "auth": "cognito",
        "api_url": api["ApiUrl"],
        "cognito_domain": api["HostedLoginUrl"],
        "client_id": api["UserPoolClientId"],
        "redirect_uri": f"{web['WebOrigin']}/callback",
    }


def cache_control(key: str) -> str:
    return "public, max-age=31536000, immutable" if key.startswith("assets/") else "no-cache"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--api-stack", required=True)
    parser.add_argument("--web-stack", required=True)
    parser.add_argument("--region")
    arguments = parser.parse_args()
    if not (DIST / "index.html").is_file():
        raise SystemExit("web/dist is missing: run `make web` first")
    session = boto3.session.Session(region_name=arguments.region)
    cloudformation = session.client("cloudformation")
    api, web = outputs(cloudformation, arguments.api_stack), outputs(cloudformation, arguments.web_stack)
    s3, bucket = session.client("s3"), web["WebBucketName"]
    # Hashed assets first, so no index.html ever names an asset that is not there yet.
    files = sorted((path for path in DIST.rglob("*") if path.is_file()),
                   key=lambda path: path.name == "index.html")
    for path in files:
        key = path.relative_to(DIST).as_posix()
        if key == "config.json":
            continue
        s3.upload_file(str(path), bucket, key, ExtraArgs={
            "ContentType": mimetypes.guess_type(path.name)[0] or "application/octet-stream",
            "CacheControl": cache_control(key),
        })
    s3.put_object(Bucket=bucket, Key="config.json", ContentType="application/json", CacheControl="no-cache",
                  Body=json.dumps(config_for(api, web), indent=2).encode())
    session.client("cloudfront").create_invalidation(
        DistributionId=web["WebDistributionId"],
        InvalidationBatch={"Paths": {"Quantity": len(NOT_HASHED), "Items": NOT_HASHED},
                           "CallerReference": str(time.time_ns())})
    print(f"deployed {len(files)} files to {web['WebOrigin']}")
    print(f"the API stack needs WebOrigin={web['WebOrigin']} and CallbackUrl={web['WebOrigin']}/callback")


if __name__ == "__main__":
    main()
