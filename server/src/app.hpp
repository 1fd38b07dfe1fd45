#pragma once
// The curator-server application: its routes and options, built from Config.

#include <memory>

#include "curator/core/config.hpp"
#include "router.hpp"
#include "server.hpp"

namespace curator::server {

/// Routes: /healthz, then the frontend (or a page that explains how to
/// configure one).
Router make_router(const Config& config);
ServerOptions make_options(const Config& config);

}  // namespace curator::server
