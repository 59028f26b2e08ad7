"""/api/v1/_openapi: a document standard validators and client generators accept, whose every
operation says what it answers, and whose diary schemas describe the diary's real answers."""
from __future__ import annotations

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from tests.diary_helpers import build_diary_week, sign_in
from tests.security_helpers import api_token

DIARY = "/api/v1/diary/"
# What each diary operation answers, read from app/api/diary.py: 401 without a login, 403 for a
# role without diary rights, 404 for another family's child, 400 for a date that is not a date.
DIARY_ANSWERS = {
    "/api/v1/diary/children": {"200", "401", "403"},
    "/api/v1/diary/{pupil_id}/week": {"200", "400", "401", "403", "404"},
    "/api/v1/diary/{pupil_id}/progress": {"200", "401", "403", "404"},
    "/api/v1/diary/homework-files/{file_id}": {"200", "401", "403", "404"},
}
# Operations that answer a file rather than JSON: its types, each a binary string.
FILE_ANSWERS = {"/api/v1/diary/homework-files/{file_id}"}


@pytest.fixture
def spec(client, world):
    response = client.get("/api/v1/_openapi", headers={"Authorization": f"Bearer {api_token(client, 'admin')}"})
    assert response.status_code == 200
    return response.get_json()


def resolve(spec: dict, node: dict) -> dict:
    while "$ref" in node:
        *_, section, name = node["$ref"].split("/")
        node = spec["components"][section][name]
    return node


def json_schema(spec: dict, response: dict) -> dict | None:
    return resolve(spec, response).get("content", {}).get("application/json", {}).get("schema")


def operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "put", "post", "delete", "patch"):
                yield path, method, operation


def test_openapi_document_validates(spec):
    validate(spec)


def test_every_operation_declares_its_answers_with_schemas(spec):
    assert set(DIARY_ANSWERS) <= set(spec["paths"])
    for path, method, operation in operations(spec):
        responses = operation.get("responses") or {}
        success = {"200", "201"} & set(responses)
        assert success, f"{method} {path}: no success response"
        for code, response in responses.items():
            if path in FILE_ANSWERS and code == "200":
                content = resolve(spec, response)["content"]
                assert content and all(c["schema"] == {"type": "string", "format": "binary"} for c in content.values())
                continue
            assert json_schema(spec, response), f"{method} {path} {code}: no JSON schema"
    for path, codes in DIARY_ANSWERS.items():
        assert set(spec["paths"][path]["get"]["responses"]) == codes, path


def check(spec: dict, path: str, response) -> None:
    """The answer conforms to what the document declares for its status code."""
    declared = spec["paths"][path]["get"]["responses"][str(response.status_code)]
    # The document's components ride along so that the schema's $refs resolve.
    schema = {**json_schema(spec, declared), "components": spec["components"]}
    OAS30Validator(schema).validate(response.get_json())


def test_diary_answers_match_their_schemas(spec, client, session, world):
    build_diary_week(session, world)
    pupil = world.pupil_a.id
    sign_in(client, "parent")
    week = client.get(f"{DIARY}{pupil}/week?date=2012-09-19")
    assert week.status_code == 200 and week.get_json()["result"]["days"][0]["lessons"][0]["topic"] == "Сложение дробей"
    answers = [
        ("/api/v1/diary/children", client.get(f"{DIARY}children"), 200),
        ("/api/v1/diary/{pupil_id}/week", week, 200),
        ("/api/v1/diary/{pupil_id}/week", client.get(f"{DIARY}{pupil}/week?date=вчера"), 400),
        ("/api/v1/diary/{pupil_id}/week", client.get(f"{DIARY}{world.pupil_b.id}/week"), 404),
        ("/api/v1/diary/{pupil_id}/progress", client.get(f"{DIARY}{pupil}/progress?period=year"), 200),
        ("/api/v1/diary/{pupil_id}/progress", client.get(f"{DIARY}{pupil}/progress"), 200),
        ("/api/v1/diary/{pupil_id}/progress", client.get(f"{DIARY}{world.pupil_b.id}/progress"), 404),
    ]
    sign_in(client, "teacher")
    answers.append(("/api/v1/diary/children", client.get(f"{DIARY}children"), 403))
    client.get("/logout/")
    answers.append(("/api/v1/diary/{pupil_id}/week", client.get(f"{DIARY}{pupil}/week"), 401))
    for path, response, status in answers:
        assert response.status_code == status, (path, response.status_code)
        check(spec, path, response)
