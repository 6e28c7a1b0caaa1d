"""The storage interface, the same tests for both backends: a folder, and S3-compatible
object storage served by moto's server mode (a real HTTP server in its own process, spoken
to by boto3 exactly as a production bucket would be)."""

import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest

from app.services import storage
from app.services.storage.folder import FolderStorage
from app.services.storage.s3 import S3Storage
from tests.conftest import unavailable

BUCKET = "mot-test-uploads"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    server = Path(sys.executable).parent / "moto_server"
    if not server.exists():
        unavailable("moto_server is not installed (pip install 'moto[server]')")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [str(server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("moto_server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def s3(s3_endpoint, monkeypatch):
    # Credentials of the local test server only; nothing leaves this machine.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    config = {
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_REGION": "eu-south-2",
        "S3_PREFIX": "uploads/",
    }
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-south-2")
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-south-2"}
    )
    yield S3Storage.from_config(config)
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture(params=["folder", "s3"])
def backend(request, tmp_path):
    if request.param == "folder":
        return FolderStorage(tmp_path / "uploads")
    return request.getfixturevalue("s3")


def test_a_file_is_written_read_and_deleted(backend):
    key = storage.new_key()
    assert not backend.exists(key)
    backend.write(key, b"%PDF-1.4 content", "application/pdf")
    assert backend.exists(key)
    assert backend.read(key) == b"%PDF-1.4 content"
    backend.delete(key)
    assert not backend.exists(key)
    with pytest.raises(storage.StoredFileMissing):
        backend.read(key)


def test_a_key_that_could_walk_out_of_its_place_is_refused(backend):
    for key in ("../../etc/passwd", "a/b", "", "x" * 100):
        with pytest.raises(storage.StoredFileMissing):
            backend.read(key)


def test_an_s3_object_is_stored_under_the_prefix_as_a_download(s3):
    key = storage.new_key()
    s3.write(key, b"%PDF-1.4", "application/pdf")
    head = s3.client.head_object(Bucket=BUCKET, Key=f"uploads/{key}")
    assert head["ContentType"] == "application/pdf"
    assert head["ContentDisposition"] == "attachment"


def test_a_pitch_deck_goes_to_s3_when_the_site_is_configured_for_it(app, session, s3, monkeypatch):
    from app.models import ProjectStage
    from app.services import applications
    from tests.factories import make_call, make_user
    from tests.services.test_applications import PDF

    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "s3")
    monkeypatch.setitem(app.config, "S3_BUCKET", BUCKET)
    monkeypatch.setitem(app.config, "S3_ENDPOINT_URL", s3.client.meta.endpoint_url)
    monkeypatch.setitem(app.config, "S3_PREFIX", "uploads/")
    monkeypatch.setitem(app.extensions, "storage", storage.make_storage(app.config))
    application = applications.save_application(
        session,
        offering=make_call(session),
        user=make_user(session),
        answers=applications.ApplicationAnswers(
            "Nube", "Descripción", ProjectStage.IDEA, "Software", 1, "", "Mentoría"
        ),
        now=datetime.now(UTC),
        submit=True,
        pitch_deck=applications.Upload(PDF),
    )
    session.commit()
    assert s3.read(application.pitch_deck_key) == PDF
    assert applications.pitch_deck(application) == PDF
    with pytest.raises(ValueError, match="STORAGE_BACKEND"):
        storage.make_storage({**app.config, "STORAGE_BACKEND": "ftp"})


def test_the_default_folder_is_outside_the_web_root(app):
    from app.config import Config

    folder = Path(Config.STORAGE_FOLDER).resolve()
    static = Path(app.static_folder).resolve()
    templates = Path(app.root_path, "templates").resolve()
    assert static not in folder.parents
    assert templates not in folder.parents
