"""The matrix editor: admins with the edit_matrix permission edit a track's draft in the
browser (the matrix grid, skills, categories and roles), review its changes and publish it,
import and export files, read the version history and the audit log, and keep the track's
learning resources. Everyone else gets a 404 on every editor URL.

    access      who may edit, and the track or draft an editor URL names
    forms       the editor's forms, level and importance choices from the version's scale
    grid        the matrix grid's view model
    matrix      views: the grid, one cell, starting, discarding and the audit log of a draft
    structure   views: adding, changing, moving and removing skills, categories and roles
    publishing  views: review and publish, version history, export, import in the browser
    resources   views: the track's learning resources

The changes themselves, each recorded in the audit log, are `roles.drafting`."""
