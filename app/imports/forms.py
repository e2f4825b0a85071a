"""Forms of the imports: the upload with its column mapping (one field per layout column), and the confirmation."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import StringField
from wtforms.validators import Length
from wtforms.validators import Optional

from app.services.imports.layouts import Layout
from app.services.imports.readers import EXTENSIONS

COLUMN_PREFIX = "column_"


class UploadForm(FlaskForm):
    """A file, the name to save its column mapping under, and (added per layout) one header per field."""

    file = FileField(_l("File (CSV or XLSX)"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed([ext.lstrip(".") for ext in EXTENSIONS], _l("Only CSV and XLSX files can be imported.")),
    ])
    mapping_name = StringField(_l("Save the column mapping as"), validators=[Optional(), Length(max=80)])

    def columns(self) -> dict[str, str]:
        """Return the mapping entered: field name → column header of the user's file."""
        return {name[len(COLUMN_PREFIX):]: (field.data or "").strip()
                for name, field in self._fields.items() if name.startswith(COLUMN_PREFIX)}

    def column_fields(self) -> list:
        """Return the mapping's fields, in layout order."""
        return [field for name, field in self._fields.items() if name.startswith(COLUMN_PREFIX)]


def upload_form(layout: Layout, mapping_name: str, columns: dict[str, str]) -> UploadForm:
    """Return an upload form for ``layout`` proposing ``columns`` saved as ``mapping_name``."""

    class LayoutUploadForm(UploadForm):
        pass

    for field in layout.fields:
        setattr(LayoutUploadForm, COLUMN_PREFIX + field.name, StringField(
            field.name, default=columns.get(field.name, field.name), validators=[Optional(), Length(max=120)]))
    return LayoutUploadForm(mapping_name=mapping_name)


class ConfirmForm(FlaskForm):
    """The confirmation of an import: a CSRF token only."""
