"""gunicorn's worker hook tunes the garbage collector once the portal is loaded (gunicorn_conf)."""

import subprocess
import sys
import textwrap

from django.conf import settings


def test_worker_init_freezes_startup_objects_and_raises_the_young_threshold():
    # In a child process: freezing would otherwise keep the test session's objects forever.
    code = textwrap.dedent(
        """
        import gc, django
        django.setup()
        from recordsportal import gunicorn_conf
        before = gc.get_threshold()
        gunicorn_conf.post_worker_init(worker=None)
        after = gc.get_threshold()
        assert gc.get_freeze_count() > 10_000, gc.get_freeze_count()
        assert after == (gunicorn_conf.GC_THRESHOLD, *before[1:]), (before, after)
        assert gc.isenabled()
        # every view module was imported before the freeze
        import sys
        assert "dossiers.views.dossiers" in sys.modules and "documents.views.registers" in sys.modules
        print("ok")
        """
    )
    env = {"DJANGO_SETTINGS_MODULE": "recordsportal.settings", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")


def test_cycles_are_still_collected_after_the_tuning():
    code = textwrap.dedent(
        """
        import gc, weakref, django
        django.setup()
        from recordsportal import gunicorn_conf
        gunicorn_conf.post_worker_init(worker=None)

        class Node:
            pass

        a, b = Node(), Node()
        a.other, b.other = b, a
        ref = weakref.ref(a)
        del a, b
        # New containers kept alive (a request's rows): past the threshold the collector runs by itself.
        kept = [[] for _ in range(gunicorn_conf.GC_THRESHOLD * 2)]
        assert ref() is None
        print("ok")
        """
    )
    env = {"DJANGO_SETTINGS_MODULE": "recordsportal.settings", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
