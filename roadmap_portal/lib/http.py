def base_url(request):
    """scheme://host of the request, for links in e-mails."""
    return f"{request.scheme}://{request.get_host()}"
