"""Entry point of a Celery worker process: ``celery -A workflows.celery_worker worker``."""

from app import create_app
from workflows import init_app
from workflows.celery_app import make_celery

flask_app = create_app()
init_app(flask_app)
celery = make_celery(flask_app)
