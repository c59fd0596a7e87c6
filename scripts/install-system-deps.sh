#!/usr/bin/env bash
# Installs the Debian packages the test suite needs: Chromium (end-to-end tests in web mode),
# poppler-utils (pdftotext/pdftoppm read back the PDFs we render), libusb (node-hid loads it),
# a font with wide coverage for screenshots, CUPS with the cups-pdf printer (printing tests),
# PostgreSQL (the cloud service tests start a throwaway cluster) and ffmpeg (the camera tests make
# the fake camera's .y4m video, and their frames, from barcode images). Idempotent; sudo when not root.
set -euo pipefail

packages=(chromium poppler-utils libusb-1.0-0 fonts-dejavu-core cups printer-driver-cups-pdf postgresql ffmpeg)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "System packages already installed: ${packages[*]}"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
