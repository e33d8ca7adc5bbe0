import pytest

from tests.real_services import require_redis


@pytest.mark.django_db
def test_healthz_ok_with_eager_celery(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "eager"}


@pytest.mark.django_db
def test_healthz_ok_with_the_redis_broker(client, _celery_eager):
    require_redis()
    _celery_eager.conf.task_always_eager = False
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}
