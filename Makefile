# MLHG APP – the two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# What is installed in .venv: the runtime (requirements.txt), or the runtime with the tests and tools
# (requirements-dev.txt). `make test` after `make run` adds the development packages.
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# pytest-xdist: one worker per core, each test sent to the next free worker, a group marked
# `xdist_group` (the real Celery workers) kept on one (`make test TEST_WORKERS=0`: no worker).
TEST_WORKERS ?= auto

SSO_PORT ?= 9400

.PHONY: run run-sso test install install-runtime sysdeps sysdeps-runtime jsdeps migrate demo lint bench worker clean backup restore

# WeasyPrint needs Pango (sysdeps-runtime); the browser journeys (tests/e2e) also need Debian's Chromium,
# and the W3C HTML checker Java (sysdeps). Whatever is missing is installed with one apt-get call when
# root; otherwise a missing Pango stops here, a missing Chromium or Java only warns (the journeys or the HTML check are
# skipped, except under CI=true where they fail).
CHROMIUM_PATH ?= /usr/bin/chromium

# $(call debian_packages,chromium) also checks the browser.
define debian_packages
@pkgs=""; \
if ! ldconfig -p | grep -q libpangoft2-1.0.so.0 || ! fc-list 2>/dev/null | grep -qi dejavu; then \
  pkgs="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fontconfig poppler-utils"; \
fi; \
if [ "$(1)" = chromium ] && [ ! -x "$(CHROMIUM_PATH)" ]; then pkgs="$$pkgs chromium"; fi; \
if [ "$(1)" = chromium ] && ! command -v java >/dev/null; then pkgs="$$pkgs default-jre-headless"; fi; \
if [ -n "$$pkgs" ]; then \
  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      $$pkgs >/dev/null; \
  else \
    case "$$pkgs" in *chromium*) \
      echo "Chromium introuvable ($(CHROMIUM_PATH)) : installez le paquet Debian chromium (en root : apt-get install chromium) ; en attendant, les parcours navigateur (tests/e2e) sont ignorés.";; \
    esac; \
    case "$$pkgs" in *default-jre*) \
      echo "Java introuvable : installez le paquet Debian default-jre-headless (en root : apt-get install default-jre-headless) ; en attendant, le validateur HTML (tests/e2e/test_html_valid.py) est ignoré.";; \
    esac; \
    case "$$pkgs" in *libpango*) \
      echo "Installez libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fontconfig (WeasyPrint)."; exit 1;; \
    esac; \
  fi; \
fi
endef

sysdeps-runtime:
	$(call debian_packages,)

sysdeps:
	$(call debian_packages,chromium)

# $(call pip_install,requirements.txt): the virtualenv (made if missing), then the pinned packages.
define pip_install
@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 est requis ($(PYTHON) introuvable)."; exit 1; }
test -x $(PY) || $(PYTHON) -m venv $(VENV)
$(PY) -m pip install --quiet --upgrade pip
$(PY) -m pip install --quiet -r $(1)
endef

$(STAMP): requirements.txt
	$(call pip_install,requirements.txt)
	touch $(STAMP)

# requirements-dev.txt includes requirements.txt: the runtime stamp is up to date too.
$(DEV_STAMP): requirements-dev.txt requirements.txt
	$(call pip_install,requirements-dev.txt)
	touch $(STAMP) $(DEV_STAMP)
# axe-core (the accessibility crawl of tests/e2e/test_axe.py) and vnu-jar (the W3C HTML checker of
# tests/e2e/test_html_valid.py, run by Java), both for `make test`, pinned by package-lock.json.
# Without npm it only warns: the crawl is skipped, except under CI=true where it fails.
NODE_STAMP := node_modules/.installed

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else \
	  echo "npm introuvable : installez Node.js (paquets Debian nodejs et npm) ; en attendant, le contrôle d'accessibilité (tests/e2e/test_axe.py) est ignoré."; \
	fi

jsdeps: $(NODE_STAMP)

# What `make run` needs (and a production server: `make worker`, `make backup`), then everything for
# development (`make test`, `make lint`, `make bench`).
install-runtime: $(STAMP) sysdeps-runtime

install: $(DEV_STAMP) sysdeps jsdeps

migrate: install-runtime
	$(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(PY) manage.py load_demo

run: migrate
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# `make run` with single sign-on: a local OpenID Connect provider (oidc-provider-mock, on SSO_PORT) whose
# login page offers the demo's accounts, and the application configured against it (README).
run-sso: $(DEV_STAMP) migrate
	DEBUG=1 $(PY) manage.py load_demo
	@DEBUG=1 $(PY) manage.py sso_demo_provider --port $(SSO_PORT) & provider=$$!; \
	trap 'kill $$provider 2>/dev/null' EXIT INT TERM; sleep 2; \
	DEBUG=1 OIDC_ISSUER=http://127.0.0.1:$(SSO_PORT) OIDC_CLIENT_ID=mlhg-demo OIDC_CLIENT_SECRET=demo-seulement \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup

# ruff, the formatting, the migrations, and bandit: static analysis of our code (tests apart), each
# finding fixed or justified in place (README, Sécurité). `.ci/run` calls it.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/bandit -c pyproject.toml -r ami mlhg_app seances bilans bench -q

worker: install-runtime
	$(VENV)/bin/celery -A mlhg_app worker --beat --loglevel=INFO

# Backups (README « Sauvegardes »): the database (pg_dump, or the SQLite file) and the
# media folder in one archive under BACKUP_DIR; restore asks for confirmation.
backup: install-runtime
	$(PY) manage.py backup

restore: install-runtime
	@test -n "$(FILE)" || { echo "Indiquez l'archive à restaurer : make restore FILE=var/backups/mlhg-sauvegarde-….tar.gz"; exit 1; }
	$(PY) manage.py restore "$(FILE)"

clean:
	rm -rf $(VENV) node_modules var/db.sqlite3 var/mail

# Not part of `make test` nor CI: builds its own database (see bench/__main__.py).
# wrk (Debian) measures throughput and the load run; installed here when root.
bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || \
	  echo "wrk introuvable (apt-get install wrk) : débit et charge ne seront pas mesurés."
	$(PY) -m bench
