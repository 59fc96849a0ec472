"""Uploads: a file larger than any form accepts is not kept while it arrives."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class SizeLimitedUploadHandler(FileUploadHandler):
    """Skip an uploaded file once it passes PRM_EVIDENCE_MAX_UPLOAD_BYTES.

    Django writes an upload to a temporary file as it arrives, before any form sees it:
    without this, one request of many gigabytes would fill the disk. The file is dropped
    and the request remembers its field, so that the form says why. The reverse proxy
    should cap request bodies too, so that such a request is not even read.
    """

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.PRM_EVIDENCE_MAX_UPLOAD_BYTES:
            refused = getattr(self.request, "refused_uploads", {})
            self.request.refused_uploads = {**refused, self.field_name: self.file_name}
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
