from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """File storage with no public URL: files are read only by the download view."""

    def url(self, name):
        raise ValueError("private documents have no URL; use the download view")
