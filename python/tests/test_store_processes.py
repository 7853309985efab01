"""The store under stress, with real files and real processes: two writer processes
at once lose nothing, a process killed mid-writing leaves the store readable with
what it committed, and a corrupt database, a read-only one or a full queue give
one warning while the traced code runs and returns normally."""
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import pytest

import nbtrace
from nbtrace._store.sqlite_store import SqliteStore
from nbtrace._store.writer import StoreWriter, open_store

CHILD = str(Path(__file__).resolve().parent / "store_child.py")


@pytest.fixture(autouse=True)
def _no_store_after():
    yield
    nbtrace.flush_store(10)
    nbtrace.configure(store=None, session=None)


def location_of(kind, tmp_path):
    return f"sqlite:///{tmp_path}/shared.db" if kind == "sqlite" else f"jsonl:///{tmp_path}/shared"


def store_warnings(caught):
    return [str(w.message) for w in caught if issubclass(w.category, nbtrace.NbtraceWarning)]


@nbtrace.trace
def traced_work(x):
    return x * 2


@pytest.mark.parametrize("kind", ["sqlite", "jsonl"])
def test_two_writer_processes_at_once_lose_nothing(tmp_path, kind):
    location = location_of(kind, tmp_path)
    barrier = tmp_path / "go"
    children = [subprocess.Popen([sys.executable, CHILD, location, "200", str(barrier)], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(2)]
    barrier.touch()
    for child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err
        assert out.split()[-1] == "200" and "Warning" not in err, err
    store = open_store(location)
    docs = store.search(None, [], None)
    assert len(docs) == 400 == len({d["info"]["trace_id"] for d in docs}) == store.count()
    pids = {d["data"]["spans"][0]["name"] for d in docs}
    assert len(pids) == 2
    if kind == "jsonl":
        assert len(os.listdir(tmp_path / "shared")) == 2  # one file per process


@pytest.mark.parametrize("kind", ["sqlite", "jsonl"])
def test_a_process_killed_mid_writing_leaves_a_readable_store(tmp_path, kind):
    location = location_of(kind, tmp_path)
    child = subprocess.Popen([sys.executable, CHILD, location, "0"], stdout=subprocess.PIPE, text=True)
    committed = 0
    while committed < 150:
        line = child.stdout.readline()
        assert line, "the writer stopped"
        committed = int(line)
    child.send_signal(signal.SIGKILL)  # in the middle of writing the next ones
    child.wait(timeout=60)
    child.stdout.close()
    store = open_store(location)
    found = store.search(None, [], None)
    assert len(found) >= committed
    assert all(d["data"]["spans"] for d in found)
    if kind == "sqlite":
        conn = sqlite3.connect(store.path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    # and the next process writes on
    nbtrace.configure(store=location, display=False)
    traced_work(1)
    assert nbtrace.flush_store(10)
    assert len(nbtrace.search_traces()) == len(found) + 1


def test_a_corrupt_database_warns_once_and_the_code_runs_on(tmp_path):
    path = tmp_path / "traces.db"
    path.write_bytes(b"this is not a database, just garbage bytes\x00\xff" * 200)
    nbtrace.configure(store=f"sqlite:///{path}", display=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert [traced_work(i) for i in range(5)] == [0, 2, 4, 6, 8]
        assert nbtrace.flush_store(30)
    messages = store_warnings(caught)
    assert len(messages) == 1 and str(path) in messages[0] and "your code is unaffected" in messages[0]
    assert path.read_bytes().startswith(b"this is not a database")  # left as it was
    with pytest.raises(sqlite3.DatabaseError):
        nbtrace.search_traces()


def _read_only_run(location, result_fd):
    """(Possibly in a child that is no longer root:) trace, flush, report."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        values = [traced_work(i) for i in range(5)]
        flushed = nbtrace.flush_store(30)
    report = f"{values}|{flushed}|{len(store_warnings(caught))}|{' '.join(store_warnings(caught))}"
    os.write(result_fd, report.encode("utf-8", "replace"))


def test_a_read_only_database_warns_once_and_the_code_runs_on():
    folder = tempfile.mkdtemp(prefix="nbtrace-ro-")  # not under pytest's root-only tmp: another user reads it
    path = os.path.join(folder, "traces.db")
    try:
        made = SqliteStore(path)
        made.write([])  # a real store (schema, WAL) ...
        made.close()
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA journal_mode = DELETE")  # ... left without -wal/-shm files
        conn.close()
        os.chmod(path, 0o444)
        os.chmod(folder, 0o555)
        nbtrace.configure(store=f"sqlite:///{path}", display=False)
        read, write = os.pipe()
        if os.geteuid() == 0:  # root writes read-only files: drop to nobody in a forked child
            pid = os.fork()
            if pid == 0:
                try:
                    os.setgid(65534)
                    os.setuid(65534)
                    _read_only_run(f"sqlite:///{path}", write)
                finally:
                    os._exit(0)
            os.close(write)
            os.waitpid(pid, 0)
        else:
            _read_only_run(f"sqlite:///{path}", write)
            os.close(write)
        with os.fdopen(read, "rb") as f:
            values, flushed, count, messages = f.read().decode().split("|", 3)
        assert values == "[0, 2, 4, 6, 8]" and flushed == "True"
        assert count == "1" and path in messages, messages
        assert SqliteStore(path).count() == 0
    finally:
        os.chmod(folder, 0o755)
        os.chmod(path, 0o644)
        for name in os.listdir(folder):
            os.unlink(os.path.join(folder, name))
        os.rmdir(folder)


def test_a_full_queue_drops_traces_with_one_warning_and_never_blocks(tmp_path):
    path = tmp_path / "traces.db"
    made = SqliteStore(str(path))
    made.write([])
    made.close()
    writer = StoreWriter(maxsize=2)  # a tiny queue
    writer.location = f"sqlite:///{path}"
    collector = nbtrace.get_collector()
    collector.add_listener(writer)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # the writer thread waits for this lock
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert [traced_work(i) for i in range(20)] == [2 * i for i in range(20)]
        blocker.execute("COMMIT")
        assert writer.flush(60)
    finally:
        if blocker.in_transaction:
            blocker.execute("ROLLBACK")
        blocker.close()
        collector.remove_listener(writer)
        writer.close()
    messages = store_warnings(caught)
    assert len(messages) == 1 and "queue is full" in messages[0]
    stored = SqliteStore(str(path)).count()
    assert 2 <= stored <= 3  # what the queue held (and the one being written); the rest dropped


def test_traces_still_queued_are_written_at_interpreter_exit(tmp_path):
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import nbtrace\n"
            "nbtrace.configure(store=sys.argv[2], display=False)\n"
            "for i in range(50):\n"
            "    with nbtrace.start_span(f't{i}'): pass\n")  # no flush_store(): the exit does it
    location = f"sqlite:///{tmp_path}/exit.db"
    subprocess.run([sys.executable, "-c", code, str(Path(__file__).resolve().parents[1]), location],
                   check=True, timeout=120)
    assert open_store(location).count() == 50


def test_a_forked_child_writes_its_own_traces(tmp_path):
    location = f"jsonl:///{tmp_path}/forked"
    nbtrace.configure(store=location, display=False)
    traced_work(1)
    assert nbtrace.flush_store(10)
    pid = os.fork()
    if pid == 0:  # the parent's writer thread is not here: the child starts its own
        try:
            traced_work(2)
            os._exit(0 if nbtrace.flush_store(10) else 1)
        finally:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    traced_work(3)
    assert nbtrace.flush_store(10)
    assert len(nbtrace.search_traces()) == 3
    assert len(os.listdir(tmp_path / "forked")) == 2  # one file per process
