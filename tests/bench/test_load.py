"""bench/load.py's pure parts: reading wrk's output, writing its Lua script, the table."""

import http.server
import importlib.util
import shutil
import subprocess
import threading

import pytest
from django.conf import settings

spec = importlib.util.spec_from_file_location("bench_load", settings.BASE_DIR / "bench" / "load.py")
load = importlib.util.module_from_spec(spec)
spec.loader.exec_module(load)

WRK_OUTPUT = """\
Running 30s test @ http://127.0.0.1:8765/lv/organizations/
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   745.12ms  201.30ms   1.98s    70.12%
    Req/Sec    43.51     20.12   121.00     66.67%
  Latency Distribution
     50%  712.40ms
     75%  850.00ms
     90%    1.01s
     99%    1.42s
  2570 requests in 30.03s, 95.43MB read
  Socket errors: connect 0, read 2, write 0, timeout 7
  Non-2xx or 3xx responses: 3
Requests/sec:     85.58
Transfer/sec:      3.18MB
"""


def test_it_reads_the_rate_the_percentiles_and_every_kind_of_error():
    assert load.parse_wrk(WRK_OUTPUT) == {
        "rate": 85.58,
        "requests": 2570,
        "p50": 712.4,
        "p99": 1420.0,
        "errors": 12,
        "error_kinds": "non-2xx/3xx 3, read 2, timeout 7",
    }


def test_a_clean_run_has_no_errors_and_microseconds_are_read_as_such():
    output = WRK_OUTPUT.replace("  Socket errors: connect 0, read 2, write 0, timeout 7\n", "")
    output = output.replace("  Non-2xx or 3xx responses: 3\n", "")
    output = output.replace("50%  712.40ms", "50%  812.00us")
    result = load.parse_wrk(output)
    assert result["errors"] == 0 and result["error_kinds"] == ""
    assert result["p50"] == pytest.approx(0.812)


def test_output_without_a_result_is_refused():
    with pytest.raises(ValueError, match="no result"):
        load.parse_wrk("unable to connect to 127.0.0.1:8765 Connection refused\n")


def test_the_lua_script_holds_every_path_and_refuses_what_would_break_it():
    paths = ["/lv/organizations/?q=biedr%C4%ABba", "/lv/organizations/?country=LV&page=2"]
    script = load.lua_rotating(paths)
    assert all(f'"{path}"' in script for path in paths)
    assert 'wrk.format("GET", paths[(counter % #paths) + 1])' in script
    for bad in ['/lv/?q="x"', "/lv/?q=biedrība", "/lv/?q=a b", "lv/"]:
        with pytest.raises(ValueError):
            load.lua_rotating([bad])


@pytest.mark.skipif(not shutil.which("wrk"), reason="needs wrk")
def test_wrk_goes_round_the_paths_of_the_script(tmp_path):
    seen = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    script = tmp_path / "paths.lua"
    script.write_text(load.lua_rotating(["/a?q=1", "/b", "/c"]))
    url = f"http://127.0.0.1:{server.server_port}/"
    try:
        output = subprocess.run(
            [shutil.which("wrk"), "-t1", "-c1", "-d1s", "--latency", "-s", str(script), url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        server.shutdown()
    assert set(seen) == {"/a?q=1", "/b", "/c"}
    assert load.parse_wrk(output)["errors"] == 0


def test_the_table_gives_each_page_its_ratio_to_the_hello_world_run_before_it():
    hello = {"rate": 1000.0, "p50": 40.0, "p99": 95.5, "errors": 0}
    page = {"rate": 85.0, "p50": 712.4, "p99": 1420.0, "errors": 3}
    table = load.format_table([("hello-world view", hello, None), ("directory", page, hello)])
    assert table.splitlines()[2] == "| hello-world view | 1,000 | 1 | 40.0 ms | 95.5 ms | 0 |"
    assert (
        table.splitlines()[3] == "| directory | 85 (hello 1,000) | 8.5% | 712.4 ms | 1.42 s | 3 |"
    )
    assert "Errors" not in table


def test_the_table_says_which_errors_and_of_which_run():
    hello = {"rate": 1000.0, "p50": 40.0, "p99": 95.5, "errors": 64, "error_kinds": "read 64"}
    page = {"rate": 85.0, "p50": 712.4, "p99": 1420.0, "errors": 3, "error_kinds": "timeout 3"}
    table = load.format_table([("directory", page, hello)])
    assert table.splitlines()[-1] == (
        "Errors: directory: timeout 3; directory: read 64 (its hello-world run)"
    )
