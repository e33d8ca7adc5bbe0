"""The response that hands the browser a file: a PDF shown in its viewer, or a file to save."""

from django.http import FileResponse, HttpResponse


def file_response(content, *, filename: str, content_type: str = "application/pdf", attachment: bool = False):
    """`content` under `filename`: bytes (or text) made for this response, or a stored file, streamed.

    Shown in the browser (``inline``) unless `attachment`, which asks the browser to save it.
    """
    if isinstance(content, bytes | str):
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'{"attachment" if attachment else "inline"}; filename="{filename}"'
        return response
    return FileResponse(content.open("rb"), content_type=content_type, filename=filename, as_attachment=attachment)
