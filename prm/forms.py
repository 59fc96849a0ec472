from django.db import models

# Links people paste without a scheme are web pages served over https (Django 6's default).
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}
