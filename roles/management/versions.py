"""The matrix version a management command names by track slug and optional number."""

from django.core.management.base import CommandError

from roles.models import MatrixVersion, Track


def version_for_command(slug: str, number: int | None, action: str) -> MatrixVersion:
    """Version `number` of the track (drafts too), or its current published version; a
    CommandError that lists what exists otherwise (`action`, such as "export", words its hint)."""
    track = Track.objects.filter(slug=slug).first()
    if track is None:
        known = ", ".join(Track.objects.order_by("slug").values_list("slug", flat=True))
        raise CommandError(f"Unknown track {slug!r}. Known tracks: {known or 'none'}.")
    versions = track.versions.order_by("number")
    found = track.current_version() if number is None else versions.filter(number=number).first()
    if found is None:
        listed = ", ".join(f"v{v.number} ({v.status})" for v in versions) or "none"
        wanted = f"version {number}" if number is not None else "published version"
        hint = "" if number is not None else f"; use --version N to {action} a draft"
        raise CommandError(f"Track {slug!r} has no {wanted} (versions: {listed}){hint}.")
    return found
