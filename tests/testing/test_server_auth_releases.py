"""Authentication, organisation/project lookup and the release endpoints.

Expected bodies are Sentry's (sentry-api.md §1-2; sentry api/endpoints/index.py,
DRF's authentication and permission messages).
"""

from __future__ import annotations

import pytest
from server_helpers import ORG, PROJECT, TOKEN, Api

NOT_FOUND = {"detail": "The requested resource does not exist"}


def test_auth_check_with_token_lists_release_scopes(api: Api) -> None:
    response = api.get("api/0/")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == "0"
    assert "project:releases" in body["auth"]["scopes"]
    assert body["user"] is not None


def test_auth_check_without_token_is_anonymous(server) -> None:
    response = Api(server.url, token=None).get("api/0/")
    assert (response.status_code, response.json()) == (200, {"version": "0", "auth": None, "user": None})


@pytest.mark.parametrize("path", ["api/0/", f"api/0/organizations/{ORG}/chunk-upload/"])
def test_wrong_token_is_401_invalid_token(server, path: str) -> None:
    response = Api(server.url, token="wrong").get(path)
    assert (response.status_code, response.json()) == (401, {"detail": "Invalid token"})


def test_missing_credentials_is_401(server) -> None:
    response = Api(server.url, token=None).get(f"api/0/organizations/{ORG}/chunk-upload/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize("header, detail", [
    ("Bearer", "Invalid token header. No credentials provided."),
    ("Bearer a b", "Invalid token header. Token string should not contain spaces."),
    ("Basic dGVzdC10b2tlbjo=", "API key is not valid"),
])
def test_malformed_authorization_headers(server, header: str, detail: str) -> None:
    api = Api(server.url, token=None)
    response = api.get(f"api/0/organizations/{ORG}/releases/", headers={"Authorization": header})
    assert (response.status_code, response.json()) == (401, {"detail": detail})


def test_recorded_requests_keep_the_scheme_but_not_the_token(api: Api, server) -> None:
    api.get("api/0/")
    recorded = server.requests[-1]
    assert recorded.auth == "Bearer"
    assert "authorization" not in recorded.headers
    assert TOKEN not in repr(recorded)


def test_unknown_org_and_project_are_404(api: Api) -> None:
    assert api.get("api/0/organizations/other/chunk-upload/").json() == NOT_FOUND
    response = api.post("api/0/projects/acme/other/releases/", json={"version": "1"})
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_unknown_api_path_is_an_empty_404(api: Api) -> None:
    response = api.get("api/0/organizations/acme/no-such-thing/")
    assert (response.status_code, response.content) == (404, b"")


def test_release_create_201_then_208(api: Api, server) -> None:
    first = api.post(f"api/0/organizations/{ORG}/releases/", json={"version": "1.0.0", "projects": [PROJECT]})
    again = api.post(f"api/0/organizations/{ORG}/releases/", json={"version": "1.0.0", "projects": [PROJECT]})
    assert (first.status_code, again.status_code) == (201, 208)
    assert first.json()["version"] == "1.0.0"
    assert [p["slug"] for p in again.json()["projects"]] == [PROJECT]
    assert list(server.releases) == ["1.0.0"]


def test_release_gains_a_project_with_201(make_server) -> None:
    server = make_server(projects=("desktop", "web"))
    api = Api(server.url)
    api.post(f"api/0/organizations/{ORG}/releases/", json={"version": "2", "projects": ["desktop"]})
    response = api.post(f"api/0/organizations/{ORG}/releases/", json={"version": "2", "projects": ["web"]})
    assert response.status_code == 201
    assert server.releases["2"].projects == ["desktop", "web"]


def test_project_route_creates_release_of_that_project(api: Api, server) -> None:
    response = api.post(f"api/0/projects/{ORG}/{PROJECT}/releases/", json={"version": "3"})
    assert response.status_code == 201
    assert server.releases["3"].projects == [PROJECT]


@pytest.mark.parametrize("body, errors", [
    ({"projects": [PROJECT]}, {"version": ["This field is required."]}),
    ({"version": "1"}, {"projects": ["This field is required."]}),
    ({"version": "1", "projects": ["nope"]}, {"projects": ["Invalid projects"]}),
    ({"version": "a/b", "projects": [PROJECT]}, {"version": ["Release with name a/b is not allowed"]}),
    ({"version": "1", "projects": [PROJECT], "dateReleased": "yesterday"},
     {"dateReleased": ["Datetime has wrong format. Use one of these formats instead: "
                       "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."]}),
])
def test_release_create_validation(api: Api, body: dict, errors: dict) -> None:
    response = api.post(f"api/0/organizations/{ORG}/releases/", json=body)
    assert (response.status_code, response.json()) == (400, errors)


def test_release_create_with_finalize_date(api: Api, server) -> None:
    body = {"version": "4", "projects": [PROJECT], "dateReleased": "2024-05-01T12:00:00.123456789Z"}
    assert api.post(f"api/0/organizations/{ORG}/releases/", json=body).status_code == 201
    assert server.releases["4"].date_released == "2024-05-01T12:00:00.123456789Z"


def test_release_get_and_finalize(api: Api, server) -> None:
    server.add_release("5")
    assert api.get(f"api/0/organizations/{ORG}/releases/5/").json()["dateReleased"] is None
    response = api.put(f"api/0/organizations/{ORG}/releases/5/",
                       json={"dateReleased": "2024-05-01T00:00:00Z"})
    assert (response.status_code, response.json()["dateReleased"]) == (200, "2024-05-01T00:00:00Z")
    assert server.releases["5"].date_released == "2024-05-01T00:00:00Z"


def test_release_get_and_update_unknown_is_404(api: Api) -> None:
    assert api.get(f"api/0/organizations/{ORG}/releases/9/").status_code == 404
    assert api.put(f"api/0/organizations/{ORG}/releases/9/", json={}).status_code == 404


def test_project_route_hides_releases_of_other_projects(make_server) -> None:
    server = make_server(projects=("desktop", "web"))
    server.add_release("6", projects=["web"])
    api = Api(server.url)
    assert api.get(f"api/0/projects/{ORG}/desktop/releases/6/").status_code == 404
    assert api.get(f"api/0/projects/{ORG}/web/releases/6/").status_code == 200


def test_release_version_is_percent_decoded(api: Api, server) -> None:
    server.add_release("1.0.0+build 7")
    response = api.get(f"api/0/organizations/{ORG}/releases/1.0.0%2Bbuild%207/")
    assert (response.status_code, response.json()["version"]) == (200, "1.0.0+build 7")


def test_release_list_newest_first(api: Api, server) -> None:
    server.add_release("a")
    server.add_release("b")
    versions = [r["version"] for r in api.get(f"api/0/organizations/{ORG}/releases/").json()]
    assert versions == ["b", "a"]


def test_method_not_allowed(api: Api) -> None:
    response = api.delete(f"api/0/organizations/{ORG}/chunk-upload/")
    assert (response.status_code, response.json()) == (405, {"detail": 'Method "DELETE" not allowed.'})
