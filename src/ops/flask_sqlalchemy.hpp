// Flask-SQLAlchemy's `db = SQLAlchemy()` as revisions use it: `db.Integer`, `db.Column`,
// `db.ForeignKey` are SQLAlchemy's own names (its documented re-export of `sqlalchemy` and
// `sqlalchemy.orm`), which Flask applications' revisions use in `sa.table(...)` clauses.
#pragma once

#include <optional>
#include <string>

namespace miglint::ops {

// The import path of the object that `<SQLAlchemy() instance>.name` stands for
// ("sqlalchemy.Integer", "sqlalchemy.orm.relationship"); nullopt for Flask-SQLAlchemy's
// own names (Model, session, engine, metadata, Table, ...), which stay opaque.
std::optional<std::string> flask_sqlalchemy_attribute(const std::string& name);

// Whether `path` is the class whose instances re-export SQLAlchemy.
inline bool is_flask_sqlalchemy_class(const std::string& path)
{
  return path == "flask_sqlalchemy.SQLAlchemy";
}

} // namespace miglint::ops
