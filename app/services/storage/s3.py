"""Files in S3-compatible object storage (AWS S3, MinIO, Ceph, Garage...), through boto3."""

import boto3
from botocore.exceptions import ClientError

from app.services.storage import StoredFileMissing, check_key

MISSING = {"404", "NoSuchKey", "NotFound"}


class S3Storage:
    def __init__(self, client, bucket: str, prefix: str = ""):
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    @classmethod
    def from_config(cls, config) -> "S3Storage":
        if not config["S3_BUCKET"]:
            raise ValueError("STORAGE_BACKEND=s3 needs S3_BUCKET")
        client = boto3.client(
            "s3", endpoint_url=config["S3_ENDPOINT_URL"], region_name=config["S3_REGION"]
        )
        return cls(client, config["S3_BUCKET"], config["S3_PREFIX"])

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def write(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=self._name(key),
            Body=data,
            ContentType=content_type,
            # Should the bucket ever be reached directly, the file still downloads.
            ContentDisposition="attachment",
        )

    def read(self, key: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in MISSING:
                raise StoredFileMissing(key) from error
            raise
        return answer["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in MISSING:
                return False
            raise
        return True
