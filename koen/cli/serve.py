"""`koen glossary serve`: the command that starts the workbench (Starlette is imported only here)."""

from __future__ import annotations

import functools
import ipaddress
import secrets
import socket
from pathlib import Path
from typing import Optional

import typer

from glossary.termbase import default_glossary_path
from mt.errors import KoenError

from ..compose import check_backend_options, make_backend
from ..workbench.hosts import server_url
from .options import DEFAULT_MODEL, EditedGlossary, edited_path, BackendName, BatchSize, BeamSize, ComputeType, Device, DeviceOption, Dtype, Model


GLOSSARY_PORT = 8765
REVIEW_PORT = 8766          # a review server next to a glossary server must not collide
NoTokenOption = typer.Option(False, "--no-token", help="Serve without the access token: any process on this machine "
                             "can then read and change the files. Only by explicit choice.")


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything is printed: a taken port is one clear error."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(_plain_host(host), port, type=socket.SOCK_STREAM,
                                                              flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise KoenError(f"--host {host}: not an address to listen on ({exc})") from None
    listener = socket.socket(family, kind, proto)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(128)
    except OSError as exc:
        listener.close()
        raise KoenError(f"--host {host} --port {port}: cannot listen on {server_url(host, port)}: "
                        f"{exc.strerror or exc} (another server there? pick a free port with --port)") from None
    return listener


def run_workbench(app, host: str, port: int, doing: str, token: str | None, page: str = "") -> None:
    """Bind, print ``koen workbench on URL DOING`` (the address it really answers on), then serve."""
    listener = bind(host, port)
    port = listener.getsockname()[1]
    url = server_url(host, port) + page
    if token is None:
        typer.echo("koen: warning: --no-token: any process or user on this machine can use this server "
                   "and change its files", err=True)
    else:
        url += f"?token={token}"
    typer.echo(f"koen workbench on {url} {doing} (Ctrl-C to stop)", err=True)
    import uvicorn                              # late: the web stack loads only for the workbench
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    server.run(sockets=[listener])


def serve_command(
    glossary: EditedGlossary = None,
    archive: Optional[Path] = typer.Option(None, "--archive", "-a", help="Archive for concordances (the press-release listing or a text file)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; keep the loopback default unless you know why."),
    port: int = typer.Option(GLOSSARY_PORT, "--port", "-p", min=0, max=65535, help="Port to listen on."),
    no_token: bool = NoTokenOption,
    model: Model = None,
    backend: BackendName = None,
    device: DeviceOption = Device.auto,
    batch_size: BatchSize = 32,
    beam_size: BeamSize = 1,
    dtype: Dtype = "auto",
    compute_type: ComputeType = "default",
    archive_output: Optional[Path] = typer.Option(None, "--archive-output", help="An archive job's OUTDIR: adds the Review page over its flagged spans."),
    memory: Optional[Path] = typer.Option(None, "--memory", help="With --archive-output: its translation memory (default OUTDIR/translation-memory.sqlite)."),
    threshold: Optional[float] = typer.Option(None, "--threshold", help="With --archive-output: flag spans whose confidence is below this."),
) -> None:
    """Serve the editors' workbench: search, edit, approve candidates, see concordances.

    Concordances are translated with the romanize backend unless --model (or --backend) says otherwise.
    Every request needs the access token printed in the address at start (a cookie after the first visit)."""
    path = edited_path(glossary) if glossary is not None or archive_output is None else None
    if archive is not None and not archive.exists():
        raise KoenError(f"{archive}: no such archive file or folder")
    host = _plain_host(host)
    hosts = {"127.0.0.1", "localhost", "::1", host}
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        typer.echo(f"koen: warning: listening on {host}: anyone who can reach this address can edit "
                   f"{path or archive_output}", err=True)
    backend = backend or ("transformers" if model else "romanize")
    model = model or DEFAULT_MODEL
    check_backend_options(backend, model, dtype, compute_type)
    from ..workbench.app import create_app     # late: the web stack loads only for the workbench

    load = functools.partial(make_backend, model=model, backend=backend, device=device.value,
                             batch_size=batch_size, beam_size=beam_size, dtype=dtype, compute_type=compute_type)
    label = backend if backend == "romanize" else f"{backend} {model}"
    token = None if no_token else secrets.token_urlsafe(24)
    # Without -g the Review page shows the starter glossary's terms and edits no glossary.
    app = create_app(path or default_glossary_path(), archive, load_backend=load, backend_label=label,
                     allowed_hosts=sorted(hosts), archive_output=archive_output, memory=memory, threshold=threshold,
                     token=token, glossary_read_only=path is None)
    what = f"editing {path}" if path else f"reviewing {archive_output} (glossary read-only; -g FILE to edit one)"
    run_workbench(app, host, port, what, token, "review" if archive_output else "")


def _plain_host(host: str) -> str:
    """``[::1]`` → ``::1`` (the URL form of an IPv6 literal); an IPv4-mapped IPv6 address
    (``::ffff:127.0.0.1``) → the IPv4 address it stands for."""
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        address = ipaddress.ip_address(bare)
    except ValueError:
        return bare
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped) if mapped else str(address)
