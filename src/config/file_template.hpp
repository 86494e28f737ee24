// How Alembic names revision files: alembic.ini's file_template (Python %-format with the
// keys rev, slug, epoch, year, month, day, hour, minute, second), the slug cut at
// truncate_slug_length, and the creation time the date keys come from.
#pragma once

#include "model/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace miglint::config {

// The naming settings of alembic.ini, with Alembic's defaults. (Its `timezone` needs no
// field: the date keys come from the same time as the docstring's `Create Date:`, which
// is written in that zone, offset included.)
struct FileNaming {
  std::string file_template = "%(rev)s_%(slug)s"; // after ini interpolation
  std::size_t truncate_slug_length = 40;
};

// The creation time as the date keys see it (already in the zone it was written in).
struct CreateDate {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  long long epoch = 0; // seconds since 1970, for %(epoch)s
};

// What the keys stand for; a key whose value is absent cannot be expanded.
struct NameFields {
  std::string rev;
  std::string slug;
  std::optional<CreateDate> date;
};

class FileTemplate {
public:
  // A placeholder that is not `%(key)<flags><width><.precision><conversion>`, an unknown
  // key or a conversion other than s, r, d, i is an Error (usage).
  static model::Result<FileTemplate> parse(const std::string& text);

  bool uses(std::string_view key) const;
  // The file name without extension, as Python's `template % fields` gives it.
  model::Result<std::string> expand(const NameFields& fields) const;
  // When `stem` has this template's shape, the same name with the revision id part
  // replaced by `rev`, and the id it held; nullopt when it does not have the shape.
  struct Renamed {
    std::string stem;
    std::string old_rev;
  };
  std::optional<Renamed> with_rev(std::string_view stem, const std::string& rev) const;

private:
  struct Piece {
    std::string literal; // text when key is empty
    std::string key;
    std::string flags;
    int width = 0;
    int precision = -1;
    char conversion = 's';
  };
  std::string m_text;
  std::vector<Piece> m_pieces;

  static Piece literal_piece(std::string text);
  std::string format(const Piece& piece, const std::string& text,
                     std::optional<long long> number) const;
};

// Alembic's slug: the \w+ runs of the message joined by '_', lower-cased, and cut at
// `truncate_length` characters back to the last '_' (which is kept):
// "Add users table!" -> "add_users_table".
std::string slugify(const std::string& message, std::size_t truncate_length = 40);

// The `Create Date:` of a revision's docstring (`2024-03-01 12:40:07.451688`, with an
// optional `+01:00` offset that Alembic writes when alembic.ini sets a timezone).
// A date without offset is taken as local time for the epoch.
std::optional<CreateDate> parse_create_date(std::string_view text);

} // namespace miglint::config
