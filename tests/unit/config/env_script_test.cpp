#include "config/env_script.hpp"

#include <doctest/doctest.h>

using miglint::config::connects_with_config_engine;

TEST_CASE("env.py connecting with the Config's main section is recognised")
{
  CHECK(connects_with_config_engine(
      "connectable = engine_from_config(\n    config.get_section(config.config_ini_section, {}),\n"
      "    prefix=\"sqlalchemy.\",\n    poolclass=pool.NullPool,\n)\n"));
  CHECK(connects_with_config_engine(
      "connectable = sa.engine_from_config(context.config.get_section(context.config.config_ini_section),"
      " prefix='sqlalchemy.', poolclass=sa.pool.NullPool)"));
  // SQLAlchemy's default prefix is "sqlalchemy.".
  CHECK(connects_with_config_engine("e = engine_from_config(config.get_section(config.config_ini_section))"));
}

TEST_CASE("env.py connecting any other way is not")
{
  CHECK_FALSE(connects_with_config_engine("engine = create_engine(config.get_main_option('sqlalchemy.url'))"));
  CHECK_FALSE(connects_with_config_engine(
      "e = engine_from_config(config.get_section(config.config_ini_section), prefix='db.')"));
  CHECK_FALSE(connects_with_config_engine(
      "e = engine_from_config(config.get_section('other'), prefix='sqlalchemy.')"));
  CHECK_FALSE(connects_with_config_engine(
      "# engine_from_config(config.get_section(config.config_ini_section))\n"
      "engine = create_engine(url)"));
  CHECK_FALSE(connects_with_config_engine(""));
}
