# Run by the e2e_npm_ci test: copies the end-to-end tests and their package files from
# SOURCE_DIR to STAGE_DIR and runs `npm ci` there when the lock file differs from the one
# node_modules was installed from. node_modules thus lives in the build tree, never in git.
# cmake -DSOURCE_DIR=... -DSTAGE_DIR=... -DNPM=... -P stage.cmake

foreach(var SOURCE_DIR STAGE_DIR NPM)
  if(NOT ${var})
    message(FATAL_ERROR "stage.cmake needs -D${var}=...")
  endif()
endforeach()

file(MAKE_DIRECTORY "${STAGE_DIR}")
# Tests deleted or renamed in the source must not keep running from an old copy.
file(GLOB _stale "${STAGE_DIR}/*.mjs")
if(_stale)
  file(REMOVE ${_stale})
endif()
file(GLOB _sources "${SOURCE_DIR}/*.mjs")
file(COPY ${_sources} "${SOURCE_DIR}/package.json" "${SOURCE_DIR}/package-lock.json"
     DESTINATION "${STAGE_DIR}")

file(SHA256 "${SOURCE_DIR}/package-lock.json" _lock_hash)
set(_stamp "${STAGE_DIR}/node_modules/.patchbay-lock-sha256")
set(_installed "")
if(EXISTS "${_stamp}")
  file(READ "${_stamp}" _installed)
endif()
if(_installed STREQUAL _lock_hash AND EXISTS "${STAGE_DIR}/node_modules/openai/package.json"
   AND EXISTS "${STAGE_DIR}/node_modules/@anthropic-ai/sdk/package.json")
  message(STATUS "node_modules in ${STAGE_DIR} matches package-lock.json; npm ci not needed.")
  return()
endif()

message(STATUS "Running npm ci in ${STAGE_DIR}")
execute_process(COMMAND "${NPM}" ci --no-audit --no-fund
                WORKING_DIRECTORY "${STAGE_DIR}"
                RESULT_VARIABLE _result)
if(NOT _result EQUAL 0)
  message(FATAL_ERROR "npm ci failed (${_result}) in ${STAGE_DIR}. It needs the npm registry once; "
                      "check the network or the npm proxy settings, then run the test again.")
endif()
file(WRITE "${_stamp}" "${_lock_hash}")
