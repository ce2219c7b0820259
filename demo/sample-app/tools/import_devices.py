"""Imports the device inventory into the platform's API (sample tooling of the medical platform)."""
import sys

import requests


def main(api: str) -> None:
    response = requests.get(f"{api}/api/v1/devices", timeout=10)
    response.raise_for_status()
    for device in response.json():
        print(device["id"], device["status"])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8080")
