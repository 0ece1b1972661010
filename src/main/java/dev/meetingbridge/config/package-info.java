@NullMarked
package dev.meetingbridge.config;

import org.jspecify.annotations.NullMarked;
