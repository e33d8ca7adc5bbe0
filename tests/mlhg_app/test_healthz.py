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


@pytest.mark.django_db
def test_healthz_names_a_shared_cache_that_does_not_answer(client, settings):
    from tests.object_storage import free_ports

    local = settings.CACHES
    (closed,) = free_ports(1)  # nothing listens there
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed}/0",
        }
    }
    try:
        response = client.get("/healthz/")
    finally:
        settings.CACHES = local
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "eager", "cache": "indisponible"}
