"""Runs Mistral's command-line client many times in one Python process.

Started as `<python of the client's script> mistral_cli_driver.py <client script>`, e.g. /usr/bin/mistral. Starting
Python and importing the client (cliff, osc_lib, keystoneauth...) costs about a second; here it is paid once, and each
command still runs the client's real script from its top, with its own arguments, environment, standard streams and
exit code.

Protocol on the driver's own stdin/stdout: one JSON line per command, {"argv": [...], "env": {...}}; the answer is the
line "<exit code> <byte count>" followed by that many bytes: what the command wrote to stdout and stderr, merged as
in one pipe. After start-up the driver writes "ready".
"""
import gc
import io
import json
import logging
import os
import runpy
import sys
import traceback
import warnings

SCRIPT = sys.argv[1]

# The protocol keeps private copies of fd 0 and 1; the client's command sees an empty stdin and no terminal, as a
# process started with its stdin closed and its output in a pipe does.
requests = os.fdopen(os.dup(0), 'rb')
answers = os.fdopen(os.dup(1), 'wb')
PIPE_BUFFER = os.fstat(answers.fileno()).st_blksize  # what Python sizes a piped stdout's buffer by
null = os.open(os.devnull, os.O_RDWR)
os.dup2(null, 0)
os.dup2(null, 1)

# As the script itself would start: its directory first on the path, its name in argv[0] (cliff names the
# application after argv[0] when cliff.app is imported).
sys.path[0] = os.path.dirname(SCRIPT)
sys.argv = [SCRIPT]
ENCODING = sys.__stdout__.encoding
STDOUT_ERRORS = sys.__stdout__.errors
STDERR_ERRORS = sys.__stderr__.errors

import mistralclient.shell  # noqa: E402  the import paid once

WARNING_FILTERS = list(warnings.filters)


def logger_state():
    """Every logger's level, handlers, propagation and disabled flag, to put back after each command."""
    loggers = {'': logging.root}
    loggers.update((name, lg) for name, lg in logging.Logger.manager.loggerDict.items() if isinstance(lg, logging.Logger))
    return {name: (lg.level, list(lg.handlers), lg.propagate, lg.disabled) for name, lg in loggers.items()}


LOGGERS = logger_state()


def restore_logging():
    # The client configures logging with basicConfig, which does nothing once the root has a handler: the handler of
    # an earlier command would keep writing to that command's stderr.
    for name, lg in list(logging.Logger.manager.loggerDict.items()) + [('', logging.root)]:
        if not isinstance(lg, logging.Logger):
            continue
        level, handlers, propagate, disabled = LOGGERS.get(name, (logging.NOTSET, [], True, False))
        for handler in list(lg.handlers):
            if handler not in handlers:
                lg.removeHandler(handler)
                handler.close()
        for handler in handlers:
            if handler not in lg.handlers:
                lg.addHandler(handler)
        lg.setLevel(level)
        lg.propagate = propagate
        lg.disabled = disabled
    logging.disable(logging.NOTSET)


def restore_warnings():
    # A warning shown once per place would show in a new process again: forget which ones were shown.
    warnings.filters[:] = WARNING_FILTERS
    warnings._filters_mutated()
    warnings.onceregistry.clear()


class Pipe(io.RawIOBase):
    """The one pipe both standard streams of a process started with stderr redirected to stdout write into."""

    def __init__(self):
        self.data = bytearray()

    def writable(self):
        return True

    def write(self, b):
        self.data += b
        return len(b)


def exit_status(code, stderr):
    """The exit status of a process ended by sys.exit(code), printing a non-integer code as Python does."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=stderr)
    return 1


def run(argv, env):
    os.environ.clear()
    os.environ.update(env)
    restore_logging()
    restore_warnings()
    pipe = Pipe()
    stdout = io.TextIOWrapper(io.BufferedWriter(pipe, PIPE_BUFFER), encoding=ENCODING, errors=STDOUT_ERRORS)
    stderr = io.TextIOWrapper(io.BufferedWriter(pipe, PIPE_BUFFER), encoding=ENCODING, errors=STDERR_ERRORS,
                              line_buffering=True)
    stdin = io.TextIOWrapper(io.BytesIO(b''), encoding=ENCODING)
    sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
    sys.argv = [SCRIPT] + argv
    # main(argv=sys.argv[1:]) binds its default when the module is imported, as the script's process would now
    mistralclient.shell.main.__defaults__ = (sys.argv[1:],)
    try:
        runpy.run_path(SCRIPT, run_name='__main__')
        status = 0
    except SystemExit as e:
        status = exit_status(e.code, stderr)
    except BaseException as e:
        # as Python prints an uncaught exception: from the script's frame on, none of this driver's
        tb = e.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != SCRIPT:
            tb = tb.tb_next
        traceback.print_exception(type(e), e, tb or e.__traceback__, file=stderr)
        status = 1
    finally:
        # at exit Python flushes stdout, then stderr
        for stream in (stdout, stderr):
            try:
                stream.flush()
            except Exception:
                pass
        sys.stdin, sys.stdout, sys.stderr = sys.__stdin__, sys.__stdout__, sys.__stderr__
        sys.argv = [SCRIPT]
    # what a process's exit would close: the client's HTTP connections
    gc.collect()
    return status, bytes(pipe.data)


def main():
    answers.write(b'ready\n')
    answers.flush()
    for line in requests:
        request = json.loads(line)
        status, output = run(request['argv'], request['env'])
        answers.write(b'%d %d\n' % (status, len(output)))
        answers.write(output)
        answers.flush()


main()
