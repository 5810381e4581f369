"""`koen glossary serve`: the command that starts the workbench (Starlette is imported only here)."""

from __future__ import annotations

import functools
import ipaddress
import socket
from pathlib import Path
from typing import Optional

import typer

from mt.errors import KoenError

from ..compose import check_backend_options, make_backend
from ..workbench.hosts import server_url
from .options import DEFAULT_MODEL, EditedGlossary, edited_path, BackendName, BatchSize, BeamSize, ComputeType, Device, DeviceOption, Dtype, Model


def serve_command(
    glossary: EditedGlossary = None,
    archive: Optional[Path] = typer.Option(None, "--archive", "-a", help="Archive for concordances (the press-release listing or a text file)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; keep the loopback default unless you know why."),
    port: int = typer.Option(8765, "--port", "-p", min=0, max=65535, help="Port to listen on."),
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

    Concordances are translated with the romanize backend unless --model (or --backend) says otherwise."""
    path = edited_path(glossary)
    if archive is not None and not archive.exists():
        raise KoenError(f"{archive}: no such archive file or folder")
    host = _plain_host(host)
    hosts = {"127.0.0.1", "localhost", "::1", host}
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        typer.echo(f"koen: warning: listening on {host}: anyone who can reach this address can edit {path}", err=True)
    backend = backend or ("transformers" if model else "romanize")
    model = model or DEFAULT_MODEL
    check_backend_options(backend, model, dtype, compute_type)
    listening = _listen(host, port)       # bound here: a bad address is one line, and --port 0 gets its real port
    port = listening.getsockname()[1]
    import uvicorn                              # late: the web stack loads only for the workbench
    from ..workbench.app import create_app

    load = functools.partial(make_backend, model=model, backend=backend, device=device.value,
                             batch_size=batch_size, beam_size=beam_size, dtype=dtype, compute_type=compute_type)
    label = backend if backend == "romanize" else f"{backend} {model}"
    app = create_app(path, archive, load_backend=load, backend_label=label, allowed_hosts=sorted(hosts),
                     archive_output=archive_output, memory=memory, threshold=threshold)
    page = "review" if archive_output else ""
    typer.echo(f"koen glossary workbench on {server_url(host, port)}{page} editing {path} (Ctrl-C to stop)", err=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[listening])


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


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port`` (port 0: one the system picks), or one error line."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                              flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        raise KoenError(f"--host {host}: not an address to listen on ({exc.strerror})") from None
    listening = socket.socket(family, kind, proto)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(address)
        listening.listen(128)             # connections wait from the moment the URL is printed
    except OSError as exc:
        listening.close()
        raise KoenError(f"--host {host} --port {port}: cannot listen there ({exc.strerror})") from None
    return listening
