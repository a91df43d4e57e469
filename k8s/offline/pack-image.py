#!/usr/bin/env python3
"""Makes container images without a registry or a container engine.

  pack-image.py layer SRC_DIR OUT.tar
      Tars a directory as one image layer. SRC_DIR may be an overlayfs upper directory: its
      whiteouts (0/0 character devices) and opaque directories become the OCI ".wh." markers.
  pack-image.py image OUT.tar --ref NAME:TAG --layer L.tar [--layer ...] [config options]
      Wraps layer tarballs (bottom first) and an image config into a docker-save archive
      (manifest.json + config + <diff_id>/layer.tar), the format `ctr images import` reads.

Deterministic where it is cheap: entries sorted, numeric owners only, fixed archive metadata.
File modification times are kept (packages carry their own). Extended attributes (file
capabilities) are not carried: no image here needs one.
"""
import argparse
import hashlib
import io
import json
import os
import stat
import sys
import tarfile

WHITEOUT = ".wh."
OPAQUE = ".wh..wh..opq"
# Mount points a runtime fills in itself: the directories stay, their contents never ship.
RUNTIME_FILLED = {"dev", "proc", "sys"}
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def normalized(info):
    info.uname = info.gname = ""
    return info


def is_whiteout(st):
    return stat.S_ISCHR(st.st_mode) and st.st_rdev == 0


def is_opaque(path):
    try:
        return os.getxattr(path, "trusted.overlay.opaque", follow_symlinks=False) == b"y"
    except OSError:
        return False


def marker(name, st):
    """A whiteout marker: an empty regular file named NAME, owned and dated as ST says."""
    info = tarfile.TarInfo(name)
    info.mode, info.uid, info.gid, info.mtime = 0o644, st.st_uid, st.st_gid, int(st.st_mtime)
    return info


def write_layer(src, out):
    tmp = out + ".tmp"
    with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as tar:
        for top, dirs, files in os.walk(src):
            dirs.sort()
            rel_top = os.path.relpath(top, src)
            if rel_top in RUNTIME_FILLED:
                dirs.clear()
                files = []
            for name in sorted(dirs + files):
                path = os.path.join(top, name)
                arcname = os.path.normpath(os.path.join(rel_top, name))
                st = os.lstat(path)
                if is_whiteout(st):
                    tar.addfile(marker(os.path.join(os.path.dirname(arcname), WHITEOUT + name), st))
                    continue
                info = tar.gettarinfo(path, arcname)
                if info is None:  # a socket: nothing a layer can carry
                    continue
                normalized(info)
                if info.isreg():
                    with open(path, "rb") as f:
                        tar.addfile(info, f)
                else:
                    tar.addfile(info)
                if stat.S_ISDIR(st.st_mode) and is_opaque(path):
                    tar.addfile(marker(os.path.join(arcname, OPAQUE), st))
    os.replace(tmp, out)


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def image_config(args, diff_ids):
    env = {"PATH": DEFAULT_PATH}
    for pair in args.env:
        key, _, value = pair.partition("=")
        env[key] = value
    config = {"Env": [f"{k}={v}" for k, v in env.items()], "WorkingDir": args.workdir}
    if args.user:
        config["User"] = args.user
    if args.entrypoint is not None:
        config["Entrypoint"] = json.loads(args.entrypoint)
    if args.cmd is not None:
        config["Cmd"] = json.loads(args.cmd)
    if args.port:
        config["ExposedPorts"] = {p if "/" in p else p + "/tcp": {} for p in args.port}
    if args.stop_signal:
        config["StopSignal"] = args.stop_signal
    return {
        "architecture": "amd64",
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": config,
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + d for d in diff_ids]},
    }


def write_image(args):
    diff_ids = [sha256_file(layer) for layer in args.layer]
    config = json.dumps(image_config(args, diff_ids), sort_keys=True, separators=(",", ":")).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    manifest = [{"Config": config_name, "RepoTags": [args.ref], "Layers": [d + "/layer.tar" for d in diff_ids]}]
    tmp = args.out + ".tmp"
    with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as tar:

        def add_bytes(name, data):
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))

        add_bytes(config_name, config)
        for digest, layer in zip(diff_ids, args.layer):
            info = tarfile.TarInfo(digest + "/layer.tar")
            info.size, info.mode = os.path.getsize(layer), 0o644
            with open(layer, "rb") as f:
                tar.addfile(info, f)
        add_bytes("manifest.json", json.dumps(manifest, separators=(",", ":")).encode())
    os.replace(tmp, args.out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    layer = commands.add_parser("layer", help="tar a directory as a layer")
    layer.add_argument("src")
    layer.add_argument("out")
    image = commands.add_parser("image", help="wrap layers and a config into a docker-save archive")
    image.add_argument("out")
    image.add_argument("--ref", required=True, help="NAME:TAG the archive carries")
    image.add_argument("--layer", action="append", required=True, help="a layer tarball, bottom first")
    image.add_argument("--entrypoint", help="JSON list")
    image.add_argument("--cmd", help="JSON list")
    image.add_argument("--env", action="append", default=[], help="KEY=VALUE (PATH has a default)")
    image.add_argument("--user", default="")
    image.add_argument("--workdir", default="/")
    image.add_argument("--port", action="append", default=[], help="PORT[/PROTO] the image exposes")
    image.add_argument("--stop-signal")
    args = parser.parse_args()
    if args.command == "layer":
        write_layer(args.src, args.out)
    else:
        write_image(args)


if __name__ == "__main__":
    sys.exit(main())
